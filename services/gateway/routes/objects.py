"""Handlers shared by every resource: get, list and delete are one gRPC call each, differing
only in the kind and the stub method, so each is built here once from those two."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from basalt.api import kinds
from basalt.v1 import common_pb2
from services.gateway import backend, lists, status, wire

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Method = Callable[[backend.Backend], Callable[..., Awaitable[Any]]]
"""Picks the stub method from the backend, e.g. ``lambda b: b.jobs.Get``."""
Stub = Callable[[backend.Backend], Any]
"""Picks a service's stub from the backend, e.g. ``lambda b: b.podgroups``."""


@dataclass(frozen=True)
class Paths:
    """The Kubernetes paths of a namespaced kind in a named API group."""

    all_namespaces: str
    collection: str
    item: str

    @classmethod
    def of(cls, kind: kinds.Kind) -> Paths:
        root = f"/apis/{kind.api_version}"
        collection = f"{root}/namespaces/{{namespace}}/{kind.plural}"
        return cls(f"{root}/{kind.plural}", collection, collection + "/{name}")


def add_reads(app: web.Application, kind: kinds.Kind, stub: Stub) -> Paths:
    """GET of the kind's lists (one namespace and all) and of one object, served by a stub with
    ``Get(ObjectKey)`` and ``List(ListOptions)``; returns the paths for the kind's other verbs."""
    paths = Paths.of(kind)
    listing = collection(kind, lambda b: stub(b).List)
    app.router.add_get(paths.collection, listing)
    app.router.add_get(paths.all_namespaces, listing)
    app.router.add_get(paths.item, item(kind, lambda b: stub(b).Get))
    return paths


def key(request: web.Request) -> common_pb2.ObjectKey:
    return common_pb2.ObjectKey(namespace=request.match_info["namespace"], name=request.match_info["name"])


def item(kind: kinds.Kind, method: Method) -> Handler:
    """GET or DELETE of one object (ObjectKey in, ObjectResponse out)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        rpc = backend.of(request)
        object_key = key(request)
        reply = await rpc.call(method(rpc), object_key, status.Subject(kind, object_key.name))
        return wire.object_json(reply.object_json)

    return handle


def collection(kind: kinds.Kind, method: Method) -> Handler:
    """LIST, in one namespace when the path names one, else across all."""

    async def handle(request: web.Request) -> web.StreamResponse:
        rpc = backend.of(request)
        options = lists.options(request.query, request.match_info.get("namespace", ""))
        reply = await rpc.call(method(rpc), options, status.Subject(kind))
        return wire.document(lists.envelope(kind, reply))

    return handle
