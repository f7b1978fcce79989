"""Volcano Jobs under ``/apis/batch.volcano.sh/v1alpha1``: every verb, ``status``, ``explain``
(why the job is not placed) and vcctl's ``suspend``/``resume``/``restart`` as POST subresources."""

from __future__ import annotations

from aiohttp import web
from google.protobuf import json_format

from services.gateway import backend, served, wire
from services.gateway.routes import actions, objects

RESOURCE = served.JOBS


def add(app: web.Application) -> None:
    objects.add(app, RESOURCE)
    app.router.add_get(RESOURCE.item + "/explain", explain)
    actions.add(app, RESOURCE, "suspend", lambda b: b.jobs.Suspend, objects.key)
    actions.add(app, RESOURCE, "resume", lambda b: b.jobs.Resume, objects.key)
    actions.add(app, RESOURCE, "restart", lambda b: b.jobs.Restart, objects.key)


async def explain(request: web.Request) -> web.StreamResponse:
    """The ExplainResponse as JSON (camelCase, zero values included so clients see every field)."""
    rpc, object_key = backend.of(request), objects.key(request)
    reply = await rpc.call(rpc.jobs.Explain, object_key, objects.subject(RESOURCE, object_key.name))
    return wire.document(json_format.MessageToDict(reply, always_print_fields_with_no_presence=True))
