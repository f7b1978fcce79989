"""The operations every kind shares (get, list, create, update, delete, watch), over one gRPC stub."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import yaml

from basalt.api import kinds, meta
from basalt.client import calls
from basalt.v1 import common_pb2, jobs_pb2

Obj = dict[str, Any]
Items = list[Obj]  # named here: inside Objects, ``list`` is the method
DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class Page:
    """One LIST answer: the items, the resourceVersion to watch from, and the token for the next
    page ("" when this is the last)."""

    items: list[Obj]
    resource_version: str
    continue_token: str


@dataclass(frozen=True)
class WatchEvent:
    type: str
    """ADDED, MODIFIED, DELETED or BOOKMARK."""
    object: Obj


def as_object(obj: Obj | str | bytes) -> Obj:
    """A dict as is; YAML or JSON text parsed (JSON is YAML)."""
    if isinstance(obj, dict):
        return obj
    parsed = yaml.safe_load(obj)
    if not isinstance(parsed, dict):
        raise TypeError(f"expected an object, got {type(parsed).__name__}")
    return parsed


class Objects:
    """The shared verbs of one kind. Namespaced kinds default to the ``default`` namespace; for
    cluster-scoped kinds (queues) the namespace is ignored."""

    def __init__(self, kind: kinds.Kind, stub: Any) -> None:
        self.kind = kind
        self.stub = stub

    def _namespace(self, namespace: str | None) -> str:
        if not self.kind.namespaced:
            return ""
        return DEFAULT_NAMESPACE if namespace is None else namespace

    async def get(self, name: str, namespace: str | None = None) -> Obj:
        reply = await calls.unary(self.stub.Get(common_pb2.ObjectKey(namespace=self._namespace(namespace), name=name)))
        return loads(reply.object_json)

    async def list(self, namespace: str = "", label_selector: str = "", field_selector: str = "",
                   limit: int = 0, continue_token: str = "") -> Page:
        """One page of objects (``namespace`` "" lists every namespace)."""
        reply = await calls.unary(self.stub.List(common_pb2.ListOptions(
            namespace=namespace if self.kind.namespaced else "", label_selector=label_selector,
            field_selector=field_selector, limit=limit, continue_token=continue_token)))
        return Page([loads(item) for item in reply.items_json], reply.resource_version, reply.continue_token)

    async def list_all(self, namespace: str = "", label_selector: str = "", field_selector: str = "",
                       page_size: int = 500) -> Items:
        """Every matching object, following ``continue`` tokens page by page."""
        items: Items = []
        token = ""
        while True:
            page = await self.list(namespace, label_selector, field_selector, page_size, token)
            items += page.items
            token = page.continue_token
            if not token:
                return items

    async def create(self, obj: Obj | str | bytes, namespace: str | None = None, idempotency_key: str = "") -> Obj:
        """Store a new object (dict, YAML or JSON); a retry with the same ``idempotency_key``
        returns the first result instead of creating a second object."""
        body = as_object(obj)
        found = meta.namespace(body) if isinstance(body.get("metadata"), dict) else ""
        namespace = self._namespace(namespace if namespace is not None else found or None)
        request_type = jobs_pb2.CreateJobRequest if self.kind == kinds.JOB else jobs_pb2.CreateObjectRequest
        reply = await calls.unary(self.stub.Create(request_type(
            namespace=namespace, object_json=json.dumps(body), idempotency_key=idempotency_key)))
        return loads(reply.object_json)

    async def update(self, obj: Obj) -> Obj:
        """Replace the object; it must carry the resourceVersion it was read at (Conflict if not current)."""
        reply = await calls.unary(self.stub.Update(jobs_pb2.UpdateRequest(object_json=json.dumps(obj))))
        return loads(reply.object_json)

    async def delete(self, name: str, namespace: str | None = None) -> Obj:
        reply = await calls.unary(self.stub.Delete(common_pb2.ObjectKey(namespace=self._namespace(namespace),
                                                                         name=name)))
        return loads(reply.object_json)

    async def watch(self, namespace: str = "", resource_version: str = "", label_selector: str = "",
                    field_selector: str = "") -> AsyncIterator[WatchEvent]:
        """Changes after ``resource_version`` (or the current objects first, as ADDED, when it is
        empty); resume from the last event's ``metadata.resourceVersion``. Gone when too old."""
        call = self.stub.Watch(jobs_pb2.WatchRequest(
            namespace=namespace if self.kind.namespaced else "", resource_version=resource_version,
            label_selector=label_selector, field_selector=field_selector))
        async for event in calls.stream(call):
            yield WatchEvent(event.type, loads(event.object_json))


def loads(text: str) -> Obj:
    found = json.loads(text)
    if not isinstance(found, dict):
        raise TypeError(f"the server answered {type(found).__name__}, not an object")
    return found
