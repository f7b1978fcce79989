"""Server-streamed watches (JobService.Watch, QueueService.Watch), as the Kubernetes API serves them.

Resource version "" or "0": the current objects first, as ADDED, then every change after the list.
Any other version: the changes after it, or Gone (OUT_OF_RANGE) when the stream no longer reaches
back that far. Namespace, label and field selectors filter both parts; an object that stops
matching is sent as DELETED, as Kubernetes does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from basalt import errors
from basalt.api import kinds, meta, selectors
from basalt.store import objects
from basalt.v1 import jobs_pb2

Obj = dict[str, Any]


def start_version(text: str) -> int | None:
    """None when the watch starts with a list; the version to resume after otherwise."""
    if text in ("", "0"):
        return None
    try:
        value = int(text)
    except ValueError:
        raise errors.BadRequest(f'resourceVersion: Invalid value: "{text}": must be an integer') from None
    if value < 0:
        raise errors.BadRequest(f'resourceVersion: Invalid value: "{text}": must not be negative')
    return value


async def events(store: objects.Store, kind: kinds.Kind, request: jobs_pb2.WatchRequest,
                 *, block_ms: int = 1000) -> AsyncIterator[jobs_pb2.WatchEvent]:
    match_labels = selectors.labels(request.label_selector)
    match_fields = selectors.fields(request.field_selector)
    namespace = request.namespace if kind.namespaced else ""

    def wanted(obj: Obj) -> bool:
        return (not namespace or meta.namespace(obj) == namespace) and match_labels(obj) and match_fields(obj)

    since = start_version(request.resource_version)
    shown: set[str] = set()  # keys the client holds as matching, as far as this watch knows
    if since is None:
        page = await store.list(kind, namespace)
        for obj in page.items:
            if wanted(obj):
                shown.add(meta.key(obj))
                yield _event("ADDED", obj)
        since = page.resource_version
    async for event in store.watch(kind, since, block_ms=block_ms):
        translated = translate(event.type, meta.key(event.object), wanted(event.object), shown)
        if translated:
            yield _event(translated, event.object)


def translate(kind: str, key: str, matches: bool, shown: set[str]) -> str:
    """The event a selecting client sees, as the API server's watch cache sends it: an object
    that stops matching is DELETED for it, one that starts matching is ADDED ("" for nothing).
    ``shown`` is updated. Resuming without a list, an unseen match is reported as it happened."""
    seen = key in shown
    if kind == "DELETED":
        shown.discard(key)
        return kind if matches or seen else ""
    if matches:
        shown.add(key)
        return kind
    if seen:
        shown.discard(key)
        return "DELETED"
    return ""


def _event(kind: str, obj: Obj) -> jobs_pb2.WatchEvent:
    return jobs_pb2.WatchEvent(type=kind, object_json=json.dumps(obj))
