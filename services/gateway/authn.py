"""The middleware that authenticates every request but the probes, then authorizes it."""

from __future__ import annotations

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from basalt import errors
from basalt.api import kinds
from services.gateway import auth, requestinfo, status

TOKENS = web.AppKey("tokens", auth.Tokens)
PUBLIC = frozenset({"/healthz", "/livez", "/readyz"})


@web.middleware
async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in PUBLIC:
        return await handler(request)
    identity = request.app[TOKENS].authenticate(request.headers.get(hdrs.AUTHORIZATION))
    info = requestinfo.parse(request.method, request.path, request.query)
    try:
        auth.authorize(identity, info)
    except errors.Forbidden as refused:
        kind = kinds.BY_PLURAL.get(info.resource)
        raise status.Failure(refused, status.Subject(kind, info.name) if kind else None) from None
    return await handler(request)
