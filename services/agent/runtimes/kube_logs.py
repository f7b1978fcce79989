"""Following a Kubernetes container's log (``GET .../pods/{name}/log?follow=true``) into a sink.

The log is read with ``timestamps=true`` so that a stream that breaks can be resumed without
losing or repeating a line: the new read starts a little before the last line passed on
(``sinceSeconds``) and skips what is not newer than it. The timestamps are removed again.

Each container's output is passed on in whole lines, so two containers of one pod writing at
once do not splice their lines together; an unterminated last line is passed on at the end.
"""

from __future__ import annotations

import asyncio
import datetime
import math
import re
from typing import Any

from kubernetes_asyncio import client

from services.agent.runtimes import base, kube_client

# How far before the last line a resumed read starts, beyond the time since that line came:
# covers the delay between the kubelet stamping a line and the agent receiving it.
RESUME_MARGIN = 30
_STAMP = re.compile(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")

Moment = tuple[int, int]  # seconds since the epoch, nanoseconds


def moment(stamp: bytes) -> Moment | None:
    """The instant of an RFC 3339 timestamp with up to nanoseconds (Go's RFC3339Nano trims the
    fraction's zeros, so these do not compare as text), or None when it is not one."""
    match = _STAMP.match(stamp)
    if match is None:
        return None
    zone = "+00:00" if match[3] == b"Z" else match[3].decode()
    seconds = datetime.datetime.fromisoformat(match[1].decode() + zone).timestamp()
    return int(seconds), int((match[2] or b"0").ljust(9, b"0"))


class Lines:
    """A container's log lines, timestamps removed, each passed on once across resumed reads."""

    def __init__(self, sink: base.Sink) -> None:
        self.sink = sink
        self.last: Moment | None = None  # the newest line passed on
        self.received_at = 0.0  # loop time when it was received
        self._partial = bytearray()

    def write(self, data: bytes) -> None:
        self._partial += data
        while (end := self._partial.find(b"\n")) >= 0:
            line = bytes(self._partial[:end + 1])
            del self._partial[:end + 1]
            self._line(line)

    def flush(self) -> None:
        """Pass on an unterminated last line (the stream has ended for good)."""
        if self._partial:
            self._line(bytes(self._partial))
            self._partial.clear()

    def discard_partial(self) -> None:
        """Forget an unterminated line cut off by a broken stream; the resumed read repeats it."""
        self._partial.clear()

    def since_seconds(self) -> int | None:
        """The ``sinceSeconds`` of a resumed read; None (everything) when nothing was passed on yet."""
        if self.last is None:
            return None
        return math.ceil(asyncio.get_running_loop().time() - self.received_at) + RESUME_MARGIN

    def _line(self, raw: bytes) -> None:
        stamp, _, text = raw.partition(b" ")
        when = moment(stamp)
        if when is None:  # not timestamped after all: pass it on as it is
            self.sink(raw)
            return
        if self.last is not None and when <= self.last:
            return  # already passed on before the stream broke
        self.last = when
        self.received_at = asyncio.get_running_loop().time()
        self.sink(text)


async def follow(core: client.CoreV1Api, namespace: str, name: str, container: str, lines: Lines) -> None:
    """Pass the container's log on to ``lines`` until the server ends the stream (the container
    ended); raises ``ApiException`` when the server refuses, an aiohttp or OS error when it breaks."""
    since = lines.since_seconds()
    window: dict[str, Any] = {} if since is None else {"since_seconds": since}
    response = await kube_client.checked(core.read_namespaced_pod_log(
        name, namespace, container=container, follow=True, timestamps=True, _preload_content=False, **window))
    try:
        async for data in response.content.iter_any():
            lines.write(data)
    finally:
        response.release()
