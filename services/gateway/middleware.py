"""Every failure leaves as a Kubernetes Status: Basalt errors, aiohttp's own 404/405/413, and
(logged, as a 500) anything unexpected, so no client ever sees a bare text error."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from basalt import errors
from services.gateway import status, wire

log = logging.getLogger("basalt.gateway")
NOT_FOUND = "the server could not find the requested resource"
NOT_ALLOWED = "the server does not allow this method on the requested resource"


@web.middleware
async def statuses(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except status.Failure as failure:
        return wire.failure(failure.error, failure.subject)
    except errors.BasaltError as err:
        return wire.failure(err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return wire.failure(from_http(request, exc))
    except Exception:  # noqa: BLE001 - a gateway bug still answers in Status form
        log.exception("%s %s failed", request.method, request.path)
        return wire.failure(errors.BasaltError("an internal error occurred in the gateway"))


def from_http(request: web.Request, exc: web.HTTPException) -> errors.BasaltError:
    """aiohttp's routing and size errors as the Basalt errors they stand for."""
    if exc.status == 404:
        return errors.NotFound(NOT_FOUND)
    if exc.status == 405:
        return status.MethodNotAllowed(NOT_ALLOWED)
    if exc.status == 413:
        return wire.too_large(request.client_max_size)
    if exc.status < 500:
        return errors.BadRequest(exc.text or exc.reason)
    return errors.BasaltError(exc.text or exc.reason)


@web.middleware
async def no_dry_run(request: web.Request, handler: Handler) -> web.StreamResponse:
    """``dryRun`` is refused on writes rather than ignored: ignoring it would store the object."""
    if request.method not in ("GET", "HEAD") and "dryRun" in request.query:
        raise errors.BadRequest("dryRun is not supported by this server")
    return await handler(request)
