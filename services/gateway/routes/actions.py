"""POST subresources that issue a bus.volcano.sh Command (vcctl's job suspend/resume/restart and
queue open/close): each is one gRPC call whose reply is the object it returns, with 201."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from services.gateway import backend, served, wire
from services.gateway.routes import objects

def add(app: web.Application, resource: served.Resource, action: str, method: Callable[[backend.Backend], Any],
        request_of: Callable[[web.Request], Any]) -> None:
    """``POST <item>/<action>``: ``method`` picks the stub method, ``request_of`` builds its request."""

    async def handle(request: web.Request) -> web.StreamResponse:
        rpc = backend.of(request)
        reply = await rpc.call(method(rpc), request_of(request),
                               objects.subject(resource, request.match_info["name"]))
        return wire.object_json(reply.object_json, 201)

    app.router.add_post(f"{resource.item}/{action}", handle)
