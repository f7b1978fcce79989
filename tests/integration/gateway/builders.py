"""Small fluent builders for the objects the gateway tests send (kueue's MakeWorkload style)."""

from __future__ import annotations

import copy
from typing import Any

from basalt.api import kinds

Obj = dict[str, Any]


class JobBuilder:
    """A one-task Volcano Job in ``default`` queue; ``.obj()`` returns a fresh dict."""

    def __init__(self, name: str, namespace: str = "default") -> None:
        self._job: Obj = {
            "apiVersion": kinds.JOB.api_version, "kind": kinds.JOB.kind,
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"queue": "default", "schedulerName": "volcano", "minAvailable": 1, "tasks": [
                {"name": "worker", "replicas": 1, "template": {"spec": {"restartPolicy": "Never", "containers": [
                    {"name": "main", "image": "busybox", "resources": {"requests": {"cpu": "1"}}}]}}}]},
        }

    def labels(self, **values: str) -> JobBuilder:
        self._job["metadata"].setdefault("labels", {}).update(values)
        return self

    def queue(self, name: str) -> JobBuilder:
        self._job["spec"]["queue"] = name
        return self

    def replicas(self, count: int) -> JobBuilder:
        self._job["spec"]["tasks"][0]["replicas"] = count
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._job)


class QueueBuilder:
    def __init__(self, name: str) -> None:
        self._queue: Obj = {"apiVersion": kinds.QUEUE.api_version, "kind": kinds.QUEUE.kind,
                            "metadata": {"name": name}, "spec": {"weight": 1}}

    def weight(self, weight: int) -> QueueBuilder:
        self._queue["spec"]["weight"] = weight
        return self

    def capability(self, **resources: str) -> QueueBuilder:
        self._queue["spec"]["capability"] = dict(resources)
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._queue)


def stable(obj: Obj) -> Obj:
    """The object without what differs between two equal creations (uid, times, versions, status)."""
    metadata = {k: v for k, v in obj["metadata"].items()
                if k not in ("uid", "creationTimestamp", "resourceVersion", "generation", "managedFields")}
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": metadata}
