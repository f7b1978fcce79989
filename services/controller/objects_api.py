"""Shared pieces of the object-serving RPCs: decoding requests, list filtering and paging."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
import secrets
from typing import Any

import grpc

from basalt import errors
from basalt.api import kinds, meta, selectors
from basalt.rpc import status
from basalt.store import objects
from services.controller import watching
from basalt.v1 import common_pb2, jobs_pb2

Obj = dict[str, Any]


def decode_object(text: str) -> Obj:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.BadRequest(f"object_json is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise errors.BadRequest("object_json must be a JSON object")
    return obj


def place_in_namespace(obj: Obj, namespace: str) -> Obj:
    """Apply the request's namespace as the Kubernetes API does, refusing a contradicting body."""
    md = obj.setdefault("metadata", {})
    if not isinstance(md, dict):
        raise errors.BadRequest("metadata must be an object")
    body_ns = md.get("namespace")
    if namespace and body_ns and body_ns != namespace:
        raise errors.BadRequest("the namespace of the provided object does not match the namespace sent on the request")
    md["namespace"] = namespace or body_ns or "default"
    if not md.get("name") and md.get("generateName"):
        md["name"] = f"{md['generateName']}{secrets.token_hex(3)[:5]}"
    if not md.get("name"):
        raise errors.Invalid("metadata.name: Required value: name or generateName is required",
                             (errors.Cause("metadata.name", "Required value: name or generateName is required",
                                           "FieldValueRequired"),))
    return obj


async def list_objects(store: objects.Store, kind: kinds.Kind, opts: common_pb2.ListOptions) -> common_pb2.ListResponse:
    """LIST with selectors: pages are filled after filtering, so ``limit`` counts matching items.

    ``continue`` must be a token this list issued, ``<namespace>/<name>`` of the last item served
    (``/<name>`` for cluster-scoped kinds), in the namespace listed. Anything else is refused as
    the API server refuses it, rather than read as a position: a garbage token would silently
    give an empty page, and one naming another namespace would start the range outside the
    namespace listed and serve other namespaces' objects.
    """
    match_labels = selectors.labels(opts.label_selector)
    match_fields = selectors.fields(opts.field_selector)
    items: list[Obj] = []
    token = opts.continue_token
    if token:
        # Where an issued token can point: into the listed namespace, into any namespace when a
        # namespaced kind is listed across all, and into none for a cluster-scoped kind.
        namespace = opts.namespace if kind.namespaced else ""
        token_namespace, slash, token_name = token.partition("/")
        in_scope = bool(token_namespace) if kind.namespaced and not namespace else token_namespace == namespace
        if not (slash and token_name and "/" not in token_name and in_scope):
            expected = f"{namespace or '<namespace>'}/<name>" if kind.namespaced else "/<name>"
            raise errors.BadRequest(f'invalid continue token: continue key is not valid: expected '
                                    f'"{expected}" as returned by the previous list, got "{token}"')
    resource_version = 0
    while True:
        page = await store.list(kind, opts.namespace, limit=max(opts.limit, 0), continue_token=token)
        resource_version = resource_version or page.resource_version
        for obj in page.items:
            if match_labels(obj) and match_fields(obj):
                items.append(obj)
        token = page.continue_token
        if not token or (opts.limit and len(items) >= opts.limit):
            break
    if opts.limit and len(items) > opts.limit:
        items = items[:opts.limit]
        token = f"{meta.namespace(items[-1])}/{meta.name(items[-1])}"
    return common_pb2.ListResponse(items_json=[json.dumps(o) for o in items],
                                   resource_version=str(resource_version), continue_token=token)


def carry_server_fields(new: Obj, old: Obj, *, controller_annotations: tuple[str, ...] = ()) -> Obj:
    """An update as the API server stores it: status, uid and creation time stay the server's;
    the resourceVersion sent is the one compared (the stored one when none was sent, which makes
    the update unconditional, as a Kubernetes PUT without resourceVersion)."""
    out = {**new, "status": old.get("status") or {}}
    md = {**(new.get("metadata") or {})}
    old_md = old.get("metadata") or {}
    for field in ("uid", "creationTimestamp", "namespace", "generateName"):
        if field in old_md:
            md[field] = old_md[field]
        else:
            md.pop(field, None)
    md["resourceVersion"] = md.get("resourceVersion") or old_md.get("resourceVersion")
    kept = {k: v for k, v in (old_md.get("annotations") or {}).items() if k in controller_annotations}
    if kept:
        md["annotations"] = {**(md.get("annotations") or {}), **kept}
    out["metadata"] = md
    return out


def to_response(obj: Obj) -> common_pb2.ObjectResponse:
    return common_pb2.ObjectResponse(object_json=json.dumps(obj))


class Reads:
    """Get and List of one kind, shared by the object services (mixed in before the generated base)."""

    kind: kinds.Kind
    store: objects.Store

    @status.unary
    async def Get(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return to_response(await self.store.must_get(self.kind, request.namespace, request.name))

    @status.unary
    async def List(self, request: common_pb2.ListOptions, ctx: grpc.aio.ServicerContext) -> common_pb2.ListResponse:
        return await list_objects(self.store, self.kind, request)


class Watches:
    """Watch of one kind (list then changes, resumable), shared by the object services."""

    kind: kinds.Kind
    store: objects.Store

    @status.stream
    async def Watch(self, request: jobs_pb2.WatchRequest,
                    ctx: grpc.aio.ServicerContext) -> AsyncIterator[jobs_pb2.WatchEvent]:
        async for event in watching.events(self.store, self.kind, request):
            yield event
