"""Probes: ``/healthz`` and ``/livez`` say the process serves; ``/readyz`` also needs the
controller's gRPC health to be SERVING."""

from __future__ import annotations

from aiohttp import web

from basalt import errors
from services.gateway import backend, wire


def add(app: web.Application) -> None:
    app.router.add_get("/healthz", alive)
    app.router.add_get("/livez", alive)
    app.router.add_get("/readyz", ready)


async def alive(request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok")


async def ready(request: web.Request) -> web.StreamResponse:
    rpc = backend.of(request)
    if await rpc.ready():
        return web.Response(text="ok")
    return wire.failure(errors.Unavailable(f"the controller at {rpc.target} is not serving"))
