"""Handlers shared by every resource, built from its row in ``served``: get, list (and watch),
create, replace (PUT), merge patch, delete and the ``status`` subresource. Each is one gRPC call,
except PATCH, which reads the current object, applies the patch here and updates with its
resourceVersion (retrying a lost race when the patch itself set no resourceVersion)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import hdrs, web

from basalt import errors
from basalt.api import meta
from basalt.v1 import common_pb2, jobs_pb2
from services.gateway import backend, bodies, jsonpatch, lists, mergepatch, requestinfo, served, status, watching, wire

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
IDEMPOTENCY_KEY = "Idempotency-Key"
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH)
PATCH_ATTEMPTS = 5


def add(app: web.Application, resource: served.Resource) -> None:
    """Register the routes for the resource's verbs and its ``status`` subresource."""
    verbs, router = resource.verbs, app.router
    if "list" in verbs:
        router.add_get(resource.collection, listing(resource))
        if resource.all_namespaces:
            router.add_get(resource.all_namespaces, listing(resource))
    if "create" in verbs:
        router.add_post(resource.collection, create(resource))
    if "get" in verbs:
        router.add_get(resource.item, get(resource))
    if "update" in verbs:
        router.add_put(resource.item, replace(resource))
    if "patch" in verbs:
        router.add_patch(resource.item, patch(resource))
    if "delete" in verbs:
        router.add_delete(resource.item, delete(resource))
    if "status" in resource.subresources:
        router.add_get(resource.item + "/status", get(resource))


def key(request: web.Request) -> common_pb2.ObjectKey:
    return common_pb2.ObjectKey(namespace=request.match_info.get("namespace", ""), name=request.match_info["name"])


def subject(resource: served.Resource, name: str = "") -> status.Subject:
    return status.Subject(resource.kind, name)


def get(resource: served.Resource) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return wire.object_json(await read(request, resource))

    return handle


async def read(request: web.Request, resource: served.Resource) -> str:
    """The current object's JSON."""
    rpc, object_key = backend.of(request), key(request)
    reply = await rpc.call(resource.stub(rpc).Get, object_key, subject(resource, object_key.name))
    return str(reply.object_json)


def delete(resource: served.Resource) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        rpc, object_key = backend.of(request), key(request)
        reply = await rpc.call(resource.stub(rpc).Delete, object_key, subject(resource, object_key.name))
        return wire.object_json(reply.object_json)

    return handle


def listing(resource: served.Resource) -> Handler:
    """LIST, in one namespace when the path names one, else across all; ``watch=true`` streams."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if requestinfo.watching(request.query):
            if "watch" not in resource.verbs:
                raise status.MethodNotAllowed(f"watch is not supported on {resource.kind.plural}")
            return await watching.stream(request, resource)
        rpc = backend.of(request)
        options = lists.options(request.query, request.match_info.get("namespace", ""))
        reply = await rpc.call(resource.stub(rpc).List, options, subject(resource))
        return wire.document(lists.envelope(resource.kind, reply))

    return handle


async def body_object(request: web.Request, resource: served.Resource) -> bodies.Obj:
    data = await wire.body(request)
    obj = bodies.decode(data, request.headers.get(hdrs.CONTENT_TYPE, ""))
    return bodies.place(obj, resource.kind, request.match_info.get("namespace", ""))


def create(resource: served.Resource) -> Handler:
    """POST (JSON or YAML); 201 with the stored object. ``Idempotency-Key`` makes a retried POST
    return the first result instead of a second object."""

    async def handle(request: web.Request) -> web.StreamResponse:
        obj = await body_object(request, resource)
        rpc = backend.of(request)
        reply = await rpc.call(resource.stub(rpc).Create, resource.create_request(
            namespace=request.match_info.get("namespace", ""), object_json=json.dumps(obj),
            idempotency_key=request.headers.get(IDEMPOTENCY_KEY, "")), subject(resource, meta.name(obj)))
        return wire.object_json(reply.object_json, 201)

    return handle


def replace(resource: served.Resource) -> Handler:
    """PUT: the whole object with the resourceVersion it was read at (409 if it changed since)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        obj = await body_object(request, resource)
        name = request.match_info["name"]
        check_name(obj, name)
        if not meta.metadata(obj).get("resourceVersion"):
            raise status.Failure(errors.Invalid("", (errors.Cause(
                "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update"),)),
                subject(resource, name))
        return wire.object_json(await update(request, resource, obj))

    return handle


def check_name(obj: bodies.Obj, name: str) -> None:
    given = meta.metadata(obj).get("name")
    if given != name:
        raise errors.BadRequest(f"the name of the object ({given or ''}) does not match the name on the URL ({name})")


async def update(request: web.Request, resource: served.Resource, obj: bodies.Obj) -> str:
    rpc = backend.of(request)
    reply = await rpc.call(resource.stub(rpc).Update, jobs_pb2.UpdateRequest(object_json=json.dumps(obj)),
                           subject(resource, meta.name(obj)))
    return str(reply.object_json)


def patch(resource: served.Resource) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        content_type = request.headers.get(hdrs.CONTENT_TYPE, "").split(";", 1)[0].strip().lower()
        if content_type not in PATCH_TYPES:
            raise status.UnsupportedMediaType(
                f"the body of the request was in an unknown format - accepted media types include: "
                f"{', '.join(PATCH_TYPES)}")
        changes = patch_body(await wire.body(request), content_type)
        for attempt in range(PATCH_ATTEMPTS):
            current = json.loads(await read(request, resource))
            patched = jsonpatch.apply(current, changes) if content_type == JSON_PATCH else \
                mergepatch.apply(current, changes)
            keep_identity(patched, current)
            try:
                return wire.object_json(await update(request, resource, patched))
            except status.Failure as failure:
                # A patch without its own resourceVersion applies to whatever is current, so a race
                # with another writer is retried, as the API server does.
                retry = isinstance(failure.error, errors.Conflict) and not sets_resource_version(changes)
                if not retry or attempt == PATCH_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    return handle


def patch_body(data: bytes, content_type: str) -> Any:
    """A merge patch is a JSON object; a JSON patch is a list of operations."""
    if content_type != JSON_PATCH:
        return bodies.decode(data, "application/json")
    try:
        found = json.loads(data, parse_constant=bodies.reject_constant)
    except (ValueError, RecursionError) as exc:
        raise errors.BadRequest(f"the JSON patch could not be parsed: {exc}") from None
    bodies.check_values(found)
    return found


def sets_resource_version(changes: Any) -> bool:
    """Whether the patch names a resourceVersion, which makes it a precondition not to retry past."""
    if isinstance(changes, list):
        return any(isinstance(op, dict) and op.get("path") == "/metadata/resourceVersion" for op in changes)
    return isinstance(changes.get("metadata"), dict) and "resourceVersion" in changes["metadata"]


def keep_identity(patched: Any, current: bodies.Obj) -> None:
    """A patch cannot move or re-type an object: name, namespace, apiVersion and kind stay."""
    if not isinstance(patched, dict) or not isinstance(patched.get("metadata"), dict):
        raise errors.BadRequest("the patched object must be an object with metadata")
    for field in ("apiVersion", "kind"):
        if patched.get(field) != current.get(field):
            raise errors.BadRequest(f"a patch cannot change {field}")
    for field in ("name", "namespace"):
        if patched["metadata"].get(field) != meta.metadata(current).get(field):
            raise errors.BadRequest(f"a patch cannot change metadata.{field}")
