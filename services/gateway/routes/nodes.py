"""Nodes under ``/api/v1/nodes``, read-only (agents register them through NodeService), and
``/status/cluster``: the live scheduler and controller instances (``basalt status``)."""

from __future__ import annotations

from aiohttp import web
from google.protobuf import json_format

from basalt.v1 import scheduler_pb2
from services.gateway import backend, served, wire
from services.gateway.routes import objects

CLUSTER_STATUS = "/status/cluster"


def add(app: web.Application) -> None:
    objects.add(app, served.NODES)
    app.router.add_get(CLUSTER_STATUS, cluster_status)


async def cluster_status(request: web.Request) -> web.StreamResponse:
    """The live scheduler and controller instances and node counts (``basalt status``)."""
    rpc = backend.of(request)
    reply = await rpc.call(rpc.cluster.Status, scheduler_pb2.ClusterStatusRequest())
    return wire.document(json_format.MessageToDict(reply, always_print_fields_with_no_presence=True))
