"""The gateway's HTTP server: ``serve(settings, *, ready, stop)``."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from services.gateway import auth, authn, backend, context, middleware, routes
from services.gateway.settings import Settings

log = logging.getLogger("basalt.gateway")
ACCESS_LOG_FORMAT = '%a "%r" %s %b %Tfs "%{User-Agent}i"'
"""Request line, code, size, time and agent: never headers such as Authorization (tokens are secret)."""
DRAIN_SECONDS = 2.0
"""On stop, how long requests in flight may finish; open watches and followed logs are then cut,
as the API server cuts them (clients re-watch from their last resourceVersion)."""


def make_app(settings: Settings, rpc: backend.Backend) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes,
                          middlewares=[middleware.statuses, authn.check, middleware.no_dry_run])
    app[backend.KEY] = rpc
    app[context.SETTINGS] = settings
    app[authn.TOKENS] = auth.load(settings.tokens_file, settings.allow_anonymous)
    routes.add_all(app)
    return app


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                ready_info: dict[str, Any] | None = None, bound: list[str] | None = None) -> None:
    """Serve until ``stop``. Once listening it sets ``ready``, puts ``port`` and ``url`` (the bound
    ones, so port 0 works) into ``ready_info`` and appends the URL to ``bound`` (the other
    services' convention, used by tests/servers.py), when given."""
    rpc = backend.Backend(settings.controller, settings.rpc_timeout)
    # handler_cancellation: a client that leaves a watch or a followed log ends its handler (and
    # the gRPC stream behind it) at once, instead of when the next event would have been written.
    runner = web.AppRunner(make_app(settings, rpc), access_log_format=ACCESS_LOG_FORMAT,
                           handler_cancellation=True, shutdown_timeout=DRAIN_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.listen_host, settings.port).start()
        port = int(runner.addresses[0][1])
        url = f"http://{_url_host(settings.listen_host)}:{port}"
        log.info("gateway listening on %s (controller %s)", url, settings.controller)
        if not settings.tokens_file and not settings.allow_anonymous:
            log.warning("no tokens_file and allow_anonymous is off: every API request will be refused 401")
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
