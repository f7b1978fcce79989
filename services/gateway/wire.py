"""HTTP in and out: request bodies under the size limit; replies with objects passed through as
the controller's JSON and failures as Status objects."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from basalt import errors
from services.gateway import status

JSON = "application/json"


def object_json(text: str, code: int = 200) -> web.Response:
    """The controller's JSON as is: what was stored is what is served, byte for byte."""
    return web.Response(text=text, status=code, content_type=JSON)


def document(body: dict[str, Any], code: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body), status=code, content_type=JSON)


def failure(error: errors.BasaltError, subject: status.Subject | None = None) -> web.Response:
    return document(status.build(error, subject), error.http_status)


async def body(request: web.Request) -> bytes:
    """The request body, refused with 413 above the configured size (before reading it if the
    client declared its length)."""
    limit = request.client_max_size
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large(limit) from None


def too_large(limit: int) -> errors.TooLarge:
    return errors.TooLarge(f"Request entity too large: limit is {limit}")
