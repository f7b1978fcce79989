"""Delayed actions: scheduling, cancellation on pod events and after actions, due times."""

from __future__ import annotations

import datetime as dt

from services.controller.state import bus, delays, machine
from tests.unit.controller.controller_support import NOW

A = bus.Action
E = bus.Event
LATER = NOW + dt.timedelta(minutes=10)


def _delay(action: A, event: E, pod: str = "j-w-0", *, task: str = "w", uid: str = "uid-a", due: dt.datetime = LATER) -> delays.Delayed:
    return delays.Delayed(action, event, due, task=task, pod=pod, pod_uid=uid)


def test_one_delay_per_pod_and_the_same_action_keeps_its_due_time() -> None:
    first = _delay(A.ABORT_JOB, E.POD_PENDING)
    book = delays.add({}, first)

    assert delays.add(book, _delay(A.ABORT_JOB, E.POD_PENDING, due=NOW)) == {"j-w-0": first}
    replaced = _delay(A.RESTART_POD, E.POD_FAILED)
    assert delays.add(book, replaced) == {"j-w-0": replaced}


def test_pending_delay_is_cancelled_when_the_same_pod_moves_on() -> None:
    book = delays.add({}, _delay(A.ABORT_JOB, E.POD_PENDING, uid="uid-a"))

    assert delays.cancel_on_pod_event(book, E.POD_RUNNING, "j-w-0", "uid-a") == {}
    assert delays.cancel_on_pod_event(book, E.POD_RUNNING, "j-w-0", "uid-b") == book  # a re-created pod
    assert delays.cancel_on_pod_event(book, E.POD_PENDING, "j-w-0", "uid-a") == book
    assert delays.cancel_on_pod_event(book, E.OUT_OF_SYNC, "j-w-0", "uid-a") == book


def test_failure_delay_is_cancelled_when_the_pod_runs_again() -> None:
    book = delays.add({}, _delay(A.RESTART_JOB, E.POD_FAILED))

    assert delays.cancel_on_pod_event(book, E.POD_RUNNING, "j-w-0", "uid-z") == {}
    assert delays.cancel_on_pod_event(book, E.POD_EVICTED, "j-w-0", "uid-a") == book


def test_an_executed_action_cancels_delays_of_its_scope_and_target() -> None:
    book = {
        "p0": _delay(A.ABORT_JOB, E.POD_PENDING, "p0"),
        "p1": _delay(A.RESTART_TASK, E.POD_FAILED, "p1", task="w"),
        "p2": _delay(A.RESTART_TASK, E.POD_FAILED, "p2", task="ps"),
        "p3": _delay(A.RESTART_POD, E.POD_FAILED, "p3"),
    }

    assert set(delays.cancel_after(book, A.TERMINATE_JOB)) == {"p1", "p2", "p3"}
    assert set(delays.cancel_after(book, A.RESTART_TASK, task="w")) == {"p0", "p2", "p3"}
    assert set(delays.cancel_after(book, A.RESTART_POD, pod="p3")) == {"p0", "p1", "p2"}
    assert delays.cancel_after(book, A.SYNC_JOB) == book


def test_due_delays_and_their_targets() -> None:
    soon = _delay(A.RESTART_POD, E.POD_FAILED, "p1", due=NOW)
    book = {"p0": _delay(A.ABORT_JOB, E.POD_PENDING, "p0"), "p1": soon}

    assert delays.due(book, NOW) == [soon]
    assert delays.next_due(book) == NOW
    assert delays.next_due({}) is None
    assert soon.target == machine.Target("w", pod="p1")
    assert book["p0"].target is None
    assert _delay(A.RESTART_TASK, E.POD_FAILED).target == machine.Target("w")
