"""Running a service: signals, logging and the ``serve(settings, *, ready, stop)`` contract.

Every service exposes ``async serve(settings, *, ready, stop)``: it sets ``ready`` once it
accepts work and returns after ``stop`` is set, having drained. ``main`` wires SIGTERM/SIGINT to
``stop`` so ``python -m services.<svc>`` and ``basalt up`` both shut down cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from basalt import telemetry

S = TypeVar("S")
Serve = Callable[..., Awaitable[None]]
Step = Callable[[], Awaitable[Any]]
log = logging.getLogger("basalt.service")


def setup_logging(name: str) -> None:
    level = os.environ.get("BASALT_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s")


def main(name: str, serve: Serve, settings: Any) -> None:
    """Entry point of ``python -m services.<name>``."""
    setup_logging(name)
    telemetry.setup(name)
    asyncio.run(_run(serve, settings))


async def _run(serve: Serve, settings: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, ready=asyncio.Event(), stop=stop)


class Supervisor:
    """Named background tasks; if one dies unexpectedly the service stops instead of limping on."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop
        self.tasks: list[asyncio.Task[None]] = []

    def spawn(self, name: str, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro, name=name)
        task.add_done_callback(self._done)
        self.tasks.append(task)

    def _done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed: %r", task.get_name(), exc, exc_info=exc)
            self.stop.set()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def forever(stop: asyncio.Event, step: Step, period: float) -> None:
    """Run ``step`` every ``period`` seconds until ``stop`` is set; errors are logged, not fatal."""
    while not stop.is_set():
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a failed round must not kill the loop; the next retries
            log.exception("periodic step %s failed", getattr(step, "__name__", step))
        try:
            await asyncio.wait_for(stop.wait(), timeout=period)
        except asyncio.TimeoutError:
            pass
