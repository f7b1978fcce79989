"""Exponential backoff between retries: 0.1 s doubling to 2 s, as the local stack expects."""

from __future__ import annotations

import asyncio

FIRST = 0.1
CAP = 2.0


class Backoff:
    def __init__(self, first: float = FIRST, cap: float = CAP) -> None:
        self.first = first
        self.cap = cap
        self._next = first

    def reset(self) -> None:
        self._next = self.first

    def delay(self) -> float:
        """The delay to wait now; the following one doubles up to the cap."""
        current = self._next
        self._next = min(self._next * 2, self.cap)
        return current

    async def wait(self) -> None:
        # Cancellation ends the wait, which is how shutdown interrupts a retry loop.
        await asyncio.sleep(self.delay())
