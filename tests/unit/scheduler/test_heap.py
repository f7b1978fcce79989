"""Session-paced garbage collection: cycles left by a session are collected at the next settle;
a cycle among frozen objects waits for the periodic full pass."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from services.scheduler import heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_settle_collects_new_cycles_and_freezes_survivors() -> None:
    h = heap.Heap()
    gone = cycle()  # unreachable already: only the cyclic collector can free it
    survivor = Node()
    assert gone() is not None
    assert h.settle() >= 2
    assert gone() is None
    assert gc.get_freeze_count() > 0 and survivor.other is None


def test_frozen_cycles_wait_for_the_full_pass() -> None:
    now = [0.0]
    h = heap.Heap(full_every_seconds=60, clock=lambda: now[0])
    holder = [Node()]
    holder[0].other = Node()
    holder[0].other.other = holder[0]
    ref = weakref.ref(holder[0])
    h.settle()  # the cycle is alive: frozen
    holder.clear()  # now garbage, but frozen
    now[0] = 30.0
    h.settle()
    assert ref() is not None and h.full_passes == 0
    now[0] = 61.0
    h.settle()
    assert ref() is None and h.full_passes == 1


def test_no_automatic_collection_while_paused_and_the_settle_after_collects() -> None:
    h = heap.Heap()
    passes: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with h.paused():
            assert not gc.isenabled()
            gone = [cycle() for _ in range(5000)]  # far past the young generation's threshold
            assert passes == [] and all(ref() is not None for ref in gone)
        assert gc.isenabled()
        h.settle()
    finally:
        gc.callbacks.remove(count)
    assert all(ref() is None for ref in gone)


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with heap.Heap().paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
