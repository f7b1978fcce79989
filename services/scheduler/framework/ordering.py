"""A priority queue ordered by a session comparator (Volcano's util.PriorityQueue).

Like Volcano's, an item's place is decided when it is pushed; actions pop a job, work on it and
push it back so that its new state (share, readiness) is taken into account.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Entry(Generic[T]):
    __slots__ = ("item", "compare")

    def __init__(self, item: T, compare: Callable[[T, T], int]) -> None:
        self.item = item
        self.compare = compare

    def __lt__(self, other: _Entry[T]) -> bool:
        return self.compare(self.item, other.item) < 0


class PriorityQueue(Generic[T]):
    def __init__(self, compare: Callable[[T, T], int], items: Iterable[T] = ()) -> None:
        self._compare = compare
        self._heap = [_Entry(item, compare) for item in items]
        heapq.heapify(self._heap)

    def push(self, item: T) -> None:
        heapq.heappush(self._heap, _Entry(item, self._compare))

    def pop(self) -> T:
        return heapq.heappop(self._heap).item

    def __len__(self) -> int:
        return len(self._heap)

    def empty(self) -> bool:
        return not self._heap
