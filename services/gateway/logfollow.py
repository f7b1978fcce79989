"""``kubectl logs -f``: keep a pod's log response open and send new output as it arrives, until
the pod finishes (or is deleted), the client leaves, or the configured limit passes.

PodService has no log stream, so the gateway polls GetLog, backing off from ``FIRST_PAUSE`` while
nothing new arrives, and sends only the bytes past what it already sent. The pod's phase is read
before each poll, so the output written before it finished is always sent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

FIRST_PAUSE = 0.05
FINISHED = ("Succeeded", "Failed")


def tail(data: bytes, lines: int | None) -> bytes:
    """The last ``lines`` lines of ``data`` (all when None; a final line without a newline counts)."""
    if lines is None:
        return data
    if lines <= 0:
        return b""
    kept = data.splitlines(keepends=True)[-lines:]
    return b"".join(kept)


def finished(pod_json: str) -> bool:
    return (json.loads(pod_json).get("status") or {}).get("phase") in FINISHED


@dataclass(frozen=True)
class Source:
    """Where the log and the pod's phase come from (the gateway's gRPC calls, in production)."""

    read_log: Callable[[], Awaitable[bytes]]
    pod_done: Callable[[], Awaitable[bool]]
    """True once the pod has finished; raising NotFound ends the stream too."""


async def follow(source: Source, write: Callable[[bytes], Awaitable[None]], first: bytes, sent: int,
                 limit: float, max_pause: float) -> None:
    """Write ``first`` (the initial, possibly tailed, output), then each new part of the log past
    byte ``sent`` until the pod is done or ``limit`` seconds pass."""
    if first:
        await write(first)
    loop = asyncio.get_running_loop()
    deadline, pause = loop.time() + limit, FIRST_PAUSE
    while loop.time() < deadline:
        done = await source.pod_done()
        data = await source.read_log()
        if len(data) > sent:
            await write(data[sent:])
            sent, pause = len(data), FIRST_PAUSE
        if done:
            return
        await asyncio.sleep(min(pause, max(deadline - loop.time(), 0.0)))  # poll interval with backoff
        pause = min(pause * 2, max_pause)
