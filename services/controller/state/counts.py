"""Pod counts of a job status: ``pending/running/succeeded/failed/terminating/unknown`` and
``taskStatusCount`` (``classifyAndAddUpPodBaseOnPhase`` + ``calcPodStatus``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from basalt.api import labels, meta
from services.controller.materialize import objects
from services.controller.state import phases

Obj = meta.Obj

_FIELD_OF_PHASE = {
    phases.POD_PENDING: "pending",
    phases.POD_RUNNING: "running",
    phases.POD_SUCCEEDED: "succeeded",
    phases.POD_FAILED: "failed",
}


@dataclasses.dataclass
class Tally:
    pending: int = 0
    running: int = 0
    succeeded: int = 0
    failed: int = 0
    terminating: int = 0
    unknown: int = 0
    task_status_count: dict[str, dict[str, dict[str, int]]] = dataclasses.field(default_factory=dict)

    def classify(self, pod: Obj) -> None:
        """Count a live pod under its phase (anything unrecognised is Unknown)."""
        phase = objects.phase_of(pod)
        field = _FIELD_OF_PHASE.get(phase, "unknown")
        setattr(self, field, getattr(self, field) + 1)
        task = objects.annotations_of(pod).get(labels.TASK_SPEC)
        if task is None:
            return  # Volcano leaves pods without a task annotation out of taskStatusCount
        counted = phase if phase in _FIELD_OF_PHASE else phases.POD_UNKNOWN
        by_phase = self.task_status_count.setdefault(task, {"phase": {}})["phase"]
        by_phase[counted] = by_phase.get(counted, 0) + 1

    def add_terminating(self, count: int = 1) -> None:
        self.terminating += count

    @property
    def alive(self) -> bool:
        """Some pod is still pending, running or being deleted (the *ing phases wait for it)."""
        return bool(self.terminating or self.pending or self.running)

    def status_fields(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "running": self.running,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "terminating": self.terminating,
            "unknown": self.unknown,
            "taskStatusCount": self.task_status_count,
        }

