"""Pods under ``/api/v1`` (read-only: the controller creates them, agents report on them), and
their log: ``tailLines`` keeps the last N lines, ``follow=true`` streams until the pod finishes."""

from __future__ import annotations

import contextlib

from aiohttp import web

from basalt.v1 import jobs_pb2
from services.gateway import backend, context, lists, logfollow, requestinfo, served, status
from services.gateway.routes import objects

RESOURCE = served.PODS
TEXT = "text/plain"


def add(app: web.Application) -> None:
    objects.add(app, RESOURCE)
    app.router.add_get(RESOURCE.item + "/log", log)


async def log(request: web.Request) -> web.StreamResponse:
    object_key = objects.key(request)
    tail = lists.non_negative(request.query, "tailLines") if "tailLines" in request.query else None
    rpc = backend.of(request)
    subject = objects.subject(RESOURCE, object_key.name)

    async def read_log(lines: int = 0) -> bytes:
        reply = await rpc.call(rpc.pods.GetLog, jobs_pb2.LogRequest(
            namespace=object_key.namespace, name=object_key.name, tail_lines=lines), subject)
        return bytes(reply.data)

    if request.query.get("follow", "").lower() not in requestinfo.TRUE:
        # The RPC reads tail_lines=0 as "all"; for Kubernetes tailLines=0 means no lines at all.
        data = b"" if tail == 0 else await read_log(tail or 0)
        return web.Response(body=data, content_type=TEXT)
    data = await read_log()  # before the headers, so a missing pod is still a 404 Status

    async def pod_done() -> bool:
        reply = await rpc.call(rpc.pods.Get, object_key, subject)
        return logfollow.finished(reply.object_json)

    response = web.StreamResponse(headers={"Content-Type": TEXT})
    response.enable_chunked_encoding()
    await response.prepare(request)
    config = context.settings_of(request)
    with contextlib.suppress(status.Failure, ConnectionError):  # pod deleted or client gone: stop
        await logfollow.follow(logfollow.Source(read_log, pod_done), response.write,
                               logfollow.tail(data, tail), len(data), config.log_follow_seconds,
                               config.log_poll_max_seconds)
    with contextlib.suppress(ConnectionError):
        await response.write_eof()
    return response
