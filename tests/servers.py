"""Run a service's ``serve()`` in-process on 127.0.0.1 port 0, for integration tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import redis.asyncio as aioredis
from aiohttp import ClientSession

from basalt.store import membership


@contextlib.asynccontextmanager
async def running(serve: Callable[..., Coroutine[Any, Any, None]], settings: Any, timeout: float = 20.0) -> AsyncIterator[str]:
    """Start ``serve(settings)``; yield its bound gRPC address once ready; stop and drain after."""
    ready, stop = asyncio.Event(), asyncio.Event()
    bound: list[str] = []
    task = asyncio.create_task(serve(settings, ready=ready, stop=stop, bound=bound))
    waiter = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # raises the start-up error
        raise RuntimeError("service returned before becoming ready")
    if waiter not in done:
        task.cancel()
        raise TimeoutError(f"{serve.__module__} not ready within {timeout}s")
    try:
        yield bound[0] if bound else ""
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout)


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll ``check`` until it returns a truthy value (returned) or the deadline passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while loop.time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)  # polling interval, bounded by the deadline above
    raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")


async def scrape(group: str, member: str, redis: aioredis.Redis) -> dict[str, float]:
    """The Prometheus series a live ``group`` member serves, found through its lease; {} until it
    has written its metrics address there."""
    lease = (await membership.live(redis, group)).get(member)
    if lease is None or not lease.metrics:
        return {}
    async with ClientSession() as http, http.get(f"http://{lease.metrics}/metrics") as reply:
        assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4"), reply.headers
        text = await reply.text()
    return {name: float(value) for name, value in (line.rsplit(" ", 1) for line in text.splitlines()
                                                    if line and not line.startswith("#"))}
