"""Pods under ``/api/v1`` (read-only: the controller creates them, agents report on them)."""

from __future__ import annotations

from aiohttp import web

from basalt.api import kinds
from basalt.v1 import jobs_pb2
from services.gateway import backend, lists, status
from services.gateway.routes import objects

KIND = kinds.POD
COLLECTION = "/api/v1/namespaces/{namespace}/pods"
ITEM = COLLECTION + "/{name}"
LOG = ITEM + "/log"


def add(app: web.Application) -> None:
    app.router.add_get(COLLECTION, objects.collection(KIND, lambda b: b.pods.List))
    app.router.add_get(ITEM, objects.item(KIND, lambda b: b.pods.Get))
    app.router.add_get(LOG, log)


async def log(request: web.Request) -> web.StreamResponse:
    """The pod's log as text/plain; ``tailLines`` keeps only the last N lines."""
    object_key = objects.key(request)
    tail = lists.non_negative(request.query, "tailLines")
    rpc = backend.of(request)
    reply = await rpc.call(rpc.pods.GetLog, jobs_pb2.LogRequest(
        namespace=object_key.namespace, name=object_key.name, tail_lines=tail),
        status.Subject(KIND, object_key.name))
    # The RPC reads tail_lines=0 as "all"; for Kubernetes tailLines=0 means no lines at all.
    data = b"" if tail == 0 and "tailLines" in request.query else reply.data
    return web.Response(body=data, content_type="text/plain")
