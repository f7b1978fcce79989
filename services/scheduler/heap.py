"""Garbage collection paced by sessions.

Python's cyclic collector scans every tracked object on a full pass: at 100k pods the cache alone
is ~1M objects and a full pass ~0.8 s, started by allocation counts, so mid-session, at random.
Instead the scheduler settles the heap between sessions: it collects what the last session left
(a full pass only scans objects that are not frozen) and freezes the survivors, which are mostly
the cache. Freezing hides cycles among frozen objects that later become garbage, so every
``full_every_seconds`` the freeze is lifted first and the whole heap is scanned once.
Acyclic garbage (a replaced pod's dicts) is freed by reference counting, frozen or not.

While a session runs, the collector is paused: the session's millions of objects are all alive
until it ends, so every automatic pass during it (dozens per session at 100k pods, each scanning
all of them) found nothing and cost a fifth of the scheduler's CPU. The settle right after it
collects whatever cycles the session left.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator

FULL_EVERY_SECONDS = 60.0


class Heap:
    def __init__(self, full_every_seconds: float = FULL_EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.full_every = full_every_seconds
        self.clock = clock
        self._last_full = clock()
        self.full_passes = 0

    def settle(self) -> int:
        """Collect and freeze the survivors; returns the number of unreachable objects found."""
        now = self.clock()
        if now - self._last_full >= self.full_every:
            gc.unfreeze()
            self._last_full = now
            self.full_passes += 1
        found = gc.collect()
        gc.freeze()
        return found

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No automatic collection in the body (a session); call ``settle`` after it."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()
