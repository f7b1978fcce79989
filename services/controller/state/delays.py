"""Delayed actions: policies with a ``timeout`` run their action later, unless cancelled first.

Volcano keeps, per job, at most one delayed action per pod, and cancels them on two occasions:
a pod event that shows the trouble is over (``CleanPodDelayActionsIfNeed``), and the execution of
an action of the same scope (``cleanupDelayActions``). A ``Book`` is that per-job table as a
plain mapping of pod name to ``Delayed``; every function returns a new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping

from services.controller.state import bus, machine

Book = Mapping[str, "Delayed"]

POD_EVENTS = frozenset({bus.Event.POD_PENDING, bus.Event.POD_RUNNING, bus.Event.POD_FAILED, bus.Event.POD_EVICTED})


class Scope(enum.StrEnum):
    JOB = "Job"
    TASK = "Task"
    POD = "Pod"
    PARTITION = "Partition"


@dataclasses.dataclass(frozen=True)
class Delayed:
    action: bus.Action
    event: bus.Event
    due: dt.datetime
    task: str = ""
    pod: str = ""
    pod_uid: str = ""
    partition: str = ""

    @property
    def target(self) -> machine.Target | None:
        """The target ``apply_action`` needs for this action (``GetStateAction``)."""
        if scope_of(self.action) is Scope.JOB:
            return None
        if self.action is bus.Action.RESTART_TASK:
            return machine.Target(self.task)
        if self.action is bus.Action.RESTART_POD:
            return machine.Target(self.task, pod=self.pod)
        return machine.Target(self.task, pod=self.pod, partition=self.partition)


def scope_of(action: bus.Action) -> Scope:
    """``GetActionType``: everything that is not a targeted restart acts on the job."""
    return {
        bus.Action.RESTART_TASK: Scope.TASK,
        bus.Action.RESTART_POD: Scope.POD,
        bus.Action.RESTART_PARTITION: Scope.PARTITION,
    }.get(action, Scope.JOB)


def add(book: Book, delayed: Delayed) -> dict[str, Delayed]:
    """Schedule ``delayed`` for its pod; a pending delay of the same action keeps its due time."""
    existing = book.get(delayed.pod)
    if existing is not None and existing.action is delayed.action:
        return dict(book)
    return {**book, delayed.pod: delayed}


def cancel_on_pod_event(book: Book, event: bus.Event, pod: str, pod_uid: str) -> dict[str, Delayed]:
    """A pod that leaves Pending cancels its PodPending delay (same pod uid only: a re-created
    pod's events may overtake the old one's); a pod running again cancels a PodFailed or
    PodEvicted delay."""
    delayed = book.get(pod)
    if delayed is None or event not in POD_EVENTS or event is bus.Event.POD_PENDING:
        return dict(book)
    pending_over = delayed.event is bus.Event.POD_PENDING and delayed.pod_uid == pod_uid
    failure_over = delayed.event in (bus.Event.POD_FAILED, bus.Event.POD_EVICTED) and event is bus.Event.POD_RUNNING
    if pending_over or failure_over:
        return {name: d for name, d in book.items() if name != pod}
    return dict(book)


def cancel_after(book: Book, action: bus.Action, task: str = "", pod: str = "", partition: str = "") -> dict[str, Delayed]:
    """After ``action`` ran (and was not internal), drop delays of the same scope and target."""
    if action in bus.INTERNAL_ACTIONS:
        return dict(book)
    scope = scope_of(action)

    def same(d: Delayed) -> bool:
        if scope_of(d.action) is not scope:
            return False
        return {
            Scope.JOB: True,
            Scope.TASK: d.task == task,
            Scope.POD: d.pod == pod,
            Scope.PARTITION: d.partition == partition,
        }[scope]

    return {name: d for name, d in book.items() if not same(d)}


def due(book: Book, now: dt.datetime) -> list[Delayed]:
    """Delays whose time has come, earliest first."""
    return sorted((d for d in book.values() if d.due <= now), key=lambda d: (d.due, d.pod))


def next_due(book: Book) -> dt.datetime | None:
    """When the I/O layer should wake next for this job."""
    return min((d.due for d in book.values()), default=None)
