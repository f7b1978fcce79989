"""conformance: critical pods are never victims of preemption or reclaim (Volcano's
plugins/conformance): pods of the system-cluster-critical/system-node-critical priority classes
and every pod in kube-system."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import hooks, jobs, session

NAME = "conformance"
CRITICAL_CLASSES = frozenset({"system-cluster-critical", "system-node-critical"})
SYSTEM_NAMESPACE = "kube-system"


def evictable(evictor: jobs.TaskInfo, evictees: list[jobs.TaskInfo]) -> tuple[list[jobs.TaskInfo], int]:
    del evictor
    victims = [t for t in evictees if not _critical(t)]
    return victims, hooks.PERMIT


def _critical(task: jobs.TaskInfo) -> bool:
    class_name = (task.pod.get("spec") or {}).get("priorityClassName") or ""
    return class_name in CRITICAL_CLASSES or task.namespace == SYSTEM_NAMESPACE


class Conformance:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args

    def on_session_open(self, ssn: session.Session) -> None:
        ssn.hooks.add("preemptable", NAME, evictable)
        ssn.hooks.add("reclaimable", NAME, evictable)

    def on_session_close(self, ssn: session.Session) -> None:
        pass
