"""Shipping a pod's output to the controller: whole lines, in order, batched.

Output is held until a line is complete (a line longer than the batch limit is sent as it is), and
sent at most every ``interval`` seconds or as soon as ``limit`` bytes are waiting, so a chatty pod
costs few calls and a quiet one still shows its lines promptly.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

INTERVAL = 0.2
LIMIT = 64 * 1024

# Sends one chunk; False means the controller no longer wants this pod's output.
Send = Callable[[bytes], Awaitable[bool]]


class LogShipper:
    def __init__(self, send: Send, interval: float = INTERVAL, limit: int = LIMIT) -> None:
        self._send = send
        self.interval = interval
        self.limit = limit
        self._partial = bytearray()  # after the last newline: not sent until the line ends
        self._ready = bytearray()  # complete lines waiting for the next batch
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._rejected = False

    def write(self, data: bytes) -> None:
        """Accept output; never blocks (the runtime calls this from its read loop)."""
        if self._closed or self._rejected:
            return
        self._partial += data
        cut = self._partial.rfind(b"\n") + 1
        if len(self._partial) >= self.limit:
            cut = len(self._partial)
        if cut:
            self._ready += self._partial[:cut]
            del self._partial[:cut]
            self._schedule()

    async def close(self) -> None:
        """Send everything still held, including an unterminated last line."""
        self._closed = True
        self._ready += self._partial
        self._partial.clear()
        self._full.set()
        if self._task is not None:
            await asyncio.shield(self._task)
        await self._drain()

    def abandon(self) -> None:
        """Stop shipping without sending what is held (the agent is shutting down)."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()

    def _schedule(self) -> None:
        if len(self._ready) >= self.limit:
            self._full.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="agent-log-shipper")

    async def _run(self) -> None:
        try:
            while self._ready and not self._rejected:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self.interval)
                if not self._closed:
                    self._full.clear()
                await self._drain()
        finally:
            self._task = None

    async def _drain(self) -> None:
        while self._ready and not self._rejected:
            chunk = bytes(self._ready[:self.limit])
            del self._ready[:self.limit]
            if not await self._send(chunk):
                self._rejected = True
                self._ready.clear()
