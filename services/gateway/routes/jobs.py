"""Volcano Jobs under ``/apis/batch.volcano.sh/v1alpha1``."""

from __future__ import annotations

import json

from aiohttp import hdrs, web

from basalt.api import kinds, meta
from basalt.v1 import jobs_pb2
from services.gateway import backend, bodies, status, wire
from services.gateway.routes import objects

KIND = kinds.JOB
PATHS = objects.Paths.of(KIND)
IDEMPOTENCY_KEY = "Idempotency-Key"


def add(app: web.Application) -> None:
    objects.add_reads(app, KIND, lambda b: b.jobs)
    app.router.add_post(PATHS.collection, create)
    app.router.add_delete(PATHS.item, objects.item(KIND, lambda b: b.jobs.Delete))


async def create(request: web.Request) -> web.StreamResponse:
    """POST a Job (JSON or YAML); 201 with the stored object, defaults applied by admission."""
    namespace = request.match_info["namespace"]
    data = await wire.body(request)
    job = bodies.place(bodies.decode(data, request.headers.get(hdrs.CONTENT_TYPE, "")), KIND, namespace)
    rpc = backend.of(request)
    reply = await rpc.call(rpc.jobs.Create, jobs_pb2.CreateJobRequest(
        namespace=namespace, object_json=json.dumps(job),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY, "")), status.Subject(KIND, meta.name(job)))
    return wire.object_json(reply.object_json, 201)
