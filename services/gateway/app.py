"""The gateway's HTTP server: ``serve(settings, *, ready, stop)``."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from services.gateway import backend, middleware, routes
from services.gateway.settings import Settings

log = logging.getLogger("basalt.gateway")


def make_app(settings: Settings, rpc: backend.Backend) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[middleware.statuses])
    app[backend.KEY] = rpc
    routes.add_all(app)
    return app


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                ready_info: dict[str, Any] | None = None, bound: list[str] | None = None) -> None:
    """Serve until ``stop``. Once listening it sets ``ready``, puts ``port`` and ``url`` (the bound
    ones, so port 0 works) into ``ready_info`` and appends the URL to ``bound`` (the other
    services' convention, used by tests/servers.py), when given."""
    rpc = backend.Backend(settings.controller, settings.rpc_timeout)
    runner = web.AppRunner(make_app(settings, rpc))
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.listen_host, settings.port).start()
        port = int(runner.addresses[0][1])
        url = f"http://{_url_host(settings.listen_host)}:{port}"
        log.info("gateway listening on %s (controller %s)", url, settings.controller)
        if ready_info is not None:
            ready_info.update(port=port, url=url)
        if bound is not None:
            bound.append(url)
        ready.set()
        await stop.wait()
    finally:
        await runner.cleanup()
        await rpc.close()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
