"""Nodes under ``/api/v1/nodes``, read-only, from ClusterService.ListNodes (agents register them
through NodeService). ListNodes takes selectors only: ``limit`` is ignored, which Kubernetes
allows (a client must accept a complete list), and a GET is a list by ``metadata.name``."""

from __future__ import annotations

import json

from aiohttp import web
from google.protobuf import json_format

from basalt import errors
from basalt.v1 import scheduler_pb2
from services.gateway import backend, requestinfo, served, status, wire
from services.gateway.routes import objects

RESOURCE = served.NODES
CLUSTER_STATUS = "/status/cluster"


def add(app: web.Application) -> None:
    app.router.add_get(RESOURCE.collection, listing)
    app.router.add_get(RESOURCE.item, get)
    app.router.add_get(RESOURCE.item + "/status", get)
    app.router.add_get(CLUSTER_STATUS, cluster_status)


async def listing(request: web.Request) -> web.StreamResponse:
    if requestinfo.watching(request.query):
        raise status.MethodNotAllowed("watch is not supported on nodes")
    reply = await _list(request, request.query.get("labelSelector", ""), request.query.get("fieldSelector", ""))
    return wire.document({"apiVersion": "v1", "kind": "NodeList",
                          "metadata": {"resourceVersion": reply.resource_version},
                          "items": [json.loads(item) for item in reply.items_json]})


async def get(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if "," in name or "=" in name:  # it goes into a field selector
        raise status.Failure(errors.NotFound(f'nodes "{name}" not found'), objects.subject(RESOURCE, name))
    reply = await _list(request, "", f"metadata.name={name}")
    if not reply.items_json:
        raise status.Failure(errors.NotFound(f'nodes "{name}" not found'), objects.subject(RESOURCE, name))
    return wire.object_json(reply.items_json[0])


async def _list(request: web.Request, labels: str, fields: str) -> scheduler_pb2.ListNodesResponse:
    rpc = backend.of(request)
    reply: scheduler_pb2.ListNodesResponse = await rpc.call(
        rpc.cluster.ListNodes, scheduler_pb2.ListNodesRequest(label_selector=labels, field_selector=fields),
        objects.subject(RESOURCE))
    return reply


async def cluster_status(request: web.Request) -> web.StreamResponse:
    """The live scheduler and controller instances and node counts (``basalt status``)."""
    rpc = backend.of(request)
    reply = await rpc.call(rpc.cluster.Status, scheduler_pb2.ClusterStatusRequest())
    return wire.document(json_format.MessageToDict(reply, always_print_fields_with_no_presence=True))
