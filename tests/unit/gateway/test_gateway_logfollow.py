"""Following a log: only new bytes are sent, and the stream ends once the pod has finished."""

from __future__ import annotations

import json

import pytest

from services.gateway import logfollow


@pytest.mark.parametrize(("data", "lines", "expected"), [
    (b"a\nb\nc\n", None, b"a\nb\nc\n"),
    (b"a\nb\nc\n", 2, b"b\nc\n"),
    (b"a\nb\nc", 1, b"c"),
    (b"a\nb\n", 5, b"a\nb\n"),
    (b"a\nb\n", 0, b""),
])
def test_tail(data: bytes, lines: int | None, expected: bytes) -> None:
    assert logfollow.tail(data, lines) == expected


class Pod:
    """A pod whose log grows by one line per poll and which finishes after ``lines`` of them."""

    def __init__(self, lines: int) -> None:
        self.log, self.polls, self.lines = b"", 0, lines

    async def read_log(self) -> bytes:
        return self.log

    async def pod_done(self) -> bool:
        self.polls += 1
        done = self.polls > self.lines
        if not done:
            self.log += b"line %d\n" % self.polls
        return done


async def test_follow_sends_each_new_part_once_and_stops_when_done() -> None:
    pod, written = Pod(3), []

    async def write(data: bytes) -> None:
        written.append(data)

    await logfollow.follow(logfollow.Source(pod.read_log, pod.pod_done), write, b"start\n", 0, 60.0, 0.001)
    assert written == [b"start\n", b"line 1\n", b"line 2\n", b"line 3\n"]


def test_finished_phases() -> None:
    assert [logfollow.finished(json.dumps({"status": {"phase": p}}))
            for p in ("Pending", "Running", "Succeeded", "Failed")] == [False, False, True, True]
