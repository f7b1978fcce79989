"""``/openapi/v2``: the Swagger 2.0 document of every route this application serves;
``/openapi/v3`` (index) and ``/openapi/v3/<group version>``: the same as OpenAPI 3.0, per group."""

from __future__ import annotations

from aiohttp import web

from basalt import errors
from services.gateway import middleware, openapi, wire


def add(app: web.Application) -> None:
    app.router.add_get("/openapi/v2", document)
    app.router.add_get("/openapi/v3", v3_index)
    app.router.add_get("/openapi/v3/{group_version:.+}", v3)


def routes(app: web.Application) -> list[tuple[str, list[str]]]:
    """Each path template with its methods; the ``/api/``-style trailing-slash aliases of the
    discovery paths are left out (they answer the same as the path without the slash)."""
    found: dict[str, list[str]] = {}
    for route in app.router.routes():
        template = route.resource.canonical if route.resource is not None else ""
        if template and not template.endswith("/"):
            found.setdefault(template, []).append(route.method)
    return list(found.items())


async def document(request: web.Request) -> web.StreamResponse:
    refuse_protobuf(request)
    return wire.document(openapi.document(routes(request.app)))


def refuse_protobuf(request: web.Request) -> None:
    """The documents exist as JSON only. A client asking for protobuf alone (kubectl does, for
    v2) gets 406 and falls back, instead of failing to parse JSON as protobuf."""
    accept = request.headers.get("Accept", "")
    if accept and all("protobuf" in part for part in accept.split(",") if part.strip()):
        raise NotAcceptable("only application/json is served for the OpenAPI documents")


class NotAcceptable(errors.BasaltError):
    reason = "NotAcceptable"
    http_status = 406


async def v3_index(request: web.Request) -> web.StreamResponse:
    return wire.document(openapi.v3_index(openapi.document(routes(request.app))))


async def v3(request: web.Request) -> web.StreamResponse:
    refuse_protobuf(request)
    found = openapi.v3(openapi.document(routes(request.app)), request.match_info["group_version"])
    if found is None:
        raise errors.NotFound(middleware.NOT_FOUND)
    return wire.document(found)
