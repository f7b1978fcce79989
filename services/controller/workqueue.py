"""A de-duplicating work queue of keys, as client-go's: a key queued twice is processed once, and
a key being processed when it is queued again is processed again afterwards."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from basalt import errors

log = logging.getLogger("basalt.controller.workqueue")


class WorkQueue:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._pending: set[str] = set()
        self._active: set[str] = set()
        self._again: set[str] = set()

    def add(self, key: str) -> None:
        if key in self._active:
            self._again.add(key)
        elif key not in self._pending:
            self._pending.add(key)
            self._queue.put_nowait(key)

    def add_after(self, key: str, delay: float) -> None:
        asyncio.get_running_loop().call_later(delay, self.add, key)

    async def get(self) -> str:
        key = await self._queue.get()
        self._pending.discard(key)
        self._active.add(key)
        return key

    def done(self, key: str) -> None:
        self._active.discard(key)
        if key in self._again:
            self._again.discard(key)
            self.add(key)

    def __len__(self) -> int:
        return self._queue.qsize()

    async def process(self, stop: asyncio.Event, handle: Callable[[str], Awaitable[object]], what: str) -> None:
        """Hand keys to ``handle`` until ``stop``: a lost CAS race is retried at once (re-read),
        any other failure after a second, so one bad object never stops the worker."""
        while not stop.is_set():
            key = await self.get()
            try:
                await handle(key)
            except errors.Conflict:
                self.add_after(key, 0.05)
            except Exception:  # noqa: BLE001 - logged with its traceback, then retried
                log.exception("%s %s failed; retrying", what, key)
                self.add_after(key, 1.0)
            finally:
                self.done(key)
