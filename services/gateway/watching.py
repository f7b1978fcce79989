"""WATCH as the API server streams it: newline-delimited JSON ``{"type", "object"}`` events over
one chunked 200 response, resumable from any event's resourceVersion.

A watch that the controller refuses at once (a resourceVersion older than the kept history, a bad
selector) is answered with that Status and its code (410 Expired, 400...), because the gateway
waits briefly for the first event before sending headers. A failure after the stream started is
sent in-band as an ``ERROR`` event carrying the Status, which is what Kubernetes clients expect.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import grpc
from aiohttp import web

from basalt.v1 import jobs_pb2
from services.gateway import backend, context, lists, served, status

CONTENT_TYPE = "application/json"


def request_of(request: web.Request) -> jobs_pb2.WatchRequest:
    query = request.query
    return jobs_pb2.WatchRequest(namespace=request.match_info.get("namespace", ""),
                                 resource_version=query.get("resourceVersion", ""),
                                 label_selector=query.get("labelSelector", ""),
                                 field_selector=query.get("fieldSelector", ""))


def event_line(event: Any) -> bytes:
    return b'{"type":%s,"object":%s}\n' % (json.dumps(event.type).encode(), event.object_json.encode())


async def stream(request: web.Request, resource: served.Resource) -> web.StreamResponse:
    rpc, config = backend.of(request), context.settings_of(request)
    timeout = lists.non_negative(request.query, "timeoutSeconds") or None
    call = resource.stub(rpc).Watch(request_of(request))
    events: AsyncIterator[Any] = call.__aiter__()
    pending = asyncio.ensure_future(anext(events))
    try:
        done, _ = await asyncio.wait({pending}, timeout=config.watch_start_seconds)
        if pending in done and isinstance(pending.exception(), grpc.RpcError):
            raise status.Failure(rpc.error(pending.exception()), status.Subject(resource.kind))
        response = web.StreamResponse(headers={"Content-Type": CONTENT_TYPE})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await relay(response, pending, events, rpc, resource, timeout)
        return response
    finally:
        discard(pending)
        call.cancel()


async def relay(response: web.StreamResponse, first: asyncio.Future[Any], events: AsyncIterator[Any],
                rpc: backend.Backend, resource: served.Resource, timeout: float | None) -> None:
    """Write events until the controller ends the stream, it fails (an in-band ERROR event) or
    ``timeoutSeconds`` pass (the stream ends cleanly, and the client re-watches from its last
    resourceVersion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout if timeout else None
    pending = first
    try:
        while True:
            remaining = None if deadline is None else max(deadline - loop.time(), 0.0)
            try:
                event = await asyncio.wait_for(asyncio.shield(pending), remaining)
            except (StopAsyncIteration, TimeoutError):
                break
            except grpc.RpcError as exc:
                body = status.build(rpc.error(exc), status.Subject(resource.kind))
                await response.write(b'{"type":"ERROR","object":%s}\n' % json.dumps(body).encode())
                break
            await response.write(event_line(event))
            pending = asyncio.ensure_future(anext(events))
        await response.write_eof()
    except ConnectionError:
        pass  # the client left: nothing to tell it
    finally:
        discard(pending)


def discard(pending: asyncio.Future[Any]) -> None:
    """Cancel a read we no longer want, and consume its outcome so nothing is logged as lost."""
    pending.cancel()
    pending.add_done_callback(lambda f: None if f.cancelled() else f.exception())
