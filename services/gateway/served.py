"""The resources the gateway serves: for each kind (from ``basalt.api.kinds``) the gRPC service
behind it, its Kubernetes verbs, short names and subresources. Routes, discovery and the OpenAPI
document are all built from this one table, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from basalt.api import kinds
from basalt.v1 import jobs_pb2
from services.gateway import backend

READS = ("get", "list")
WATCHED = READS + ("watch",)
ALL_VERBS = WATCHED + ("create", "update", "patch", "delete")


@dataclass(frozen=True)
class Resource:
    kind: kinds.Kind
    stub: Callable[[backend.Backend], Any]
    """Picks the gRPC stub from the backend, e.g. ``lambda b: b.jobs``."""
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    subresources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Subresource name -> its verbs (``create`` for POST actions such as ``suspend``)."""
    create_request: Any = jobs_pb2.CreateObjectRequest

    @property
    def root(self) -> str:
        return f"/api/{self.kind.version}" if not self.kind.group else f"/apis/{self.kind.api_version}"

    @property
    def collection(self) -> str:
        scope = "/namespaces/{namespace}" if self.kind.namespaced else ""
        return f"{self.root}{scope}/{self.kind.plural}"

    @property
    def all_namespaces(self) -> str:
        """The cross-namespace list path ("" for cluster-scoped kinds, whose collection is it)."""
        return f"{self.root}/{self.kind.plural}" if self.kind.namespaced else ""

    @property
    def item(self) -> str:
        return self.collection + "/{name}"


JOBS = Resource(kinds.JOB, lambda b: b.jobs, ALL_VERBS, ("vcjob", "vj"),
                {"status": ("get",), "explain": ("get",), "suspend": ("create",), "resume": ("create",),
                 "restart": ("create",)}, jobs_pb2.CreateJobRequest)
QUEUES = Resource(kinds.QUEUE, lambda b: b.queues, ALL_VERBS, ("q", "queue-v1beta1"),
                  {"status": ("get",), "open": ("create",), "close": ("create",)})
PODGROUPS = Resource(kinds.PODGROUP, lambda b: b.podgroups, WATCHED, ("pg", "podgroup-v1beta1"), {"status": ("get",)})
COMMANDS = Resource(kinds.COMMAND, lambda b: b.commands, ("list", "watch", "create"))
PODS = Resource(kinds.POD, lambda b: b.pods, WATCHED, ("po",), {"status": ("get",), "log": ("get",)})
PRIORITY_CLASSES = Resource(kinds.PRIORITY_CLASS, lambda b: b.priority_classes, ALL_VERBS, ("pc",))
NODES = Resource(kinds.NODE, lambda b: b.nodes, WATCHED, ("no",), {"status": ("get",)})

ALL: tuple[Resource, ...] = (JOBS, QUEUES, PODGROUPS, COMMANDS, PODS, NODES, PRIORITY_CLASSES)


def group_versions() -> dict[str, list[Resource]]:
    """``api_version`` -> its resources, in table order (``v1`` is the core group)."""
    found: dict[str, list[Resource]] = {}
    for resource in ALL:
        found.setdefault(resource.kind.api_version, []).append(resource)
    return found
