"""Fluent builders for controller tests: jobs, their pods and PodGroups, and a fixed clock."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from services.controller.materialize import keys, pod

Obj = dict[str, Any]

CREATED = "2026-01-01T00:00:00Z"
NOW = dt.datetime(2026, 1, 1, 0, 1, 30, tzinfo=dt.timezone.utc)
NOW_TEXT = "2026-01-01T00:01:30Z"


class JobBuilder:
    """``JobBuilder("j").task("worker", 2).min_available(2).obj()``."""

    def __init__(self, name: str = "j", namespace: str = "ns", uid: str = "u1") -> None:
        self._job: Obj = {
            "apiVersion": "batch.volcano.sh/v1alpha1",
            "kind": "Job",
            "metadata": {"name": name, "namespace": namespace, "uid": uid, "creationTimestamp": CREATED},
            "spec": {"schedulerName": "volcano", "queue": "default", "maxRetry": 3, "tasks": []},
        }

    def task(
        self,
        name: str,
        replicas: int,
        *,
        min_available: int | None = None,
        cpu: str | None = None,
        memory: str | None = None,
        priority_class: str | None = None,
        policies: list[Obj] | None = None,
        max_retry: int | None = None,
        **extra: Any,
    ) -> JobBuilder:
        requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
        container: Obj = {"name": "main", "image": "busybox"}
        if requests:
            container["resources"] = {"requests": requests}
        template_spec: Obj = {"containers": [container], "restartPolicy": "Never"}
        if priority_class:
            template_spec["priorityClassName"] = priority_class
        task: Obj = {"name": name, "replicas": replicas, "template": {"spec": template_spec}}
        if min_available is not None:
            task["minAvailable"] = min_available
        if policies is not None:
            task["policies"] = policies
        if max_retry is not None:
            task["maxRetry"] = max_retry
        task.update(extra)
        self._job["spec"]["tasks"].append(task)
        return self

    def spec(self, **fields: Any) -> JobBuilder:
        self._job["spec"].update(fields)
        return self

    def min_available(self, value: int) -> JobBuilder:
        return self.spec(minAvailable=value)

    def policy(self, action: str, event: str | None = None, **fields: Any) -> JobBuilder:
        policy: Obj = {"action": action, **fields}
        if event is not None:
            policy["event"] = event
        self._job["spec"].setdefault("policies", []).append(policy)
        return self

    def annotate(self, **pairs: str) -> JobBuilder:
        self._job["metadata"].setdefault("annotations", {}).update(pairs)
        return self

    def label(self, **pairs: str) -> JobBuilder:
        self._job["metadata"].setdefault("labels", {}).update(pairs)
        return self

    def status(self, phase: str, **fields: Any) -> JobBuilder:
        state = {"phase": phase, "lastTransitionTime": CREATED}
        self._job["status"] = {
            "state": state,
            "minAvailable": self._job["spec"].get("minAvailable", 0),
            "conditions": [{"status": phase, "lastTransitionTime": CREATED}],
            "version": 0,
            "retryCount": 0,
            **fields,
        }
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._job)


def pod_of(job: Obj, task: str, index: int, phase: str = "Running", **status: Any) -> Obj:
    """A pod built as the controller builds it, then moved to ``phase``."""
    built = pod.build_pod(job, task, index)
    built["status"] = {"phase": phase, **status}
    return built


def terminating(p: Obj) -> Obj:
    p["metadata"]["deletionTimestamp"] = CREATED
    return p


def out_of_sync(p: Obj) -> Obj:
    p["metadata"]["annotations"][keys.OUT_OF_SYNC] = "true"
    return p


def pods(job: Obj, task: str, *phases: str) -> list[Obj]:
    """One pod per phase, indexes 0.."""
    return [pod_of(job, task, i, phase) for i, phase in enumerate(phases)]


def podgroup(phase: str = "Inqueue") -> Obj:
    return {"metadata": {"name": "pg"}, "status": {"phase": phase}}


def failed_with(job: Obj, task: str, index: int, exit_code: int) -> Obj:
    return pod_of(
        job, task, index, "Failed", containerStatuses=[{"name": "main", "state": {"terminated": {"exitCode": exit_code}}}]
    )
