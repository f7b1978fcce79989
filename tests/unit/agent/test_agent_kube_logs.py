"""Reading a Kubernetes container log with timestamps: whole lines, stamps removed, each line once
across a resumed read."""

from __future__ import annotations

import pytest

from services.agent.runtimes import kube_logs


@pytest.mark.parametrize(("stamp", "expected"), [
    (b"2026-11-25T12:00:00Z", (1795608000, 0)),
    (b"2026-11-25T12:00:00.5Z", (1795608000, 500_000_000)),
    (b"2026-11-25T12:00:00.123456789Z", (1795608000, 123_456_789)),
    (b"2026-11-25T13:00:00.1+01:00", (1795608000, 100_000_000)),
    (b"hello", None),
    (b"2026-11-25 12:00:00Z", None),
])
def test_moment_of_a_log_timestamp(stamp: bytes, expected: tuple[int, int] | None) -> None:
    assert kube_logs.moment(stamp) == expected


def test_trimmed_fractions_compare_by_instant_not_text() -> None:
    early, late = kube_logs.moment(b"2026-11-25T12:00:00.12345Z"), kube_logs.moment(b"2026-11-25T12:00:00.1235Z")
    assert early is not None and late is not None and early < late


async def test_lines_drop_their_stamps_and_wait_for_the_newline() -> None:
    out: list[bytes] = []
    lines = kube_logs.Lines(out.append)
    lines.write(b"2026-11-25T12:00:00.1Z one\n2026-11-25T12:00:00.2Z tw")
    assert out == [b"one\n"]
    lines.write(b"o\n2026-11-25T12:00:00.3Z last")
    lines.flush()
    assert out == [b"one\n", b"two\n", b"last"]


async def test_a_resumed_read_skips_what_was_passed_on_and_a_cut_line_is_read_again() -> None:
    out: list[bytes] = []
    lines = kube_logs.Lines(out.append)
    assert lines.since_seconds() is None  # nothing passed on yet: read everything again
    lines.write(b"2026-11-25T12:00:00.1Z one\n2026-11-25T12:00:00.2Z cut sh")
    lines.discard_partial()  # the stream broke here
    since = lines.since_seconds()
    assert since is not None and kube_logs.RESUME_MARGIN <= since <= kube_logs.RESUME_MARGIN + 1
    lines.write(b"2026-11-25T12:00:00.1Z one\n2026-11-25T12:00:00.2Z cut short\n2026-11-25T12:00:01Z new\n")
    assert out == [b"one\n", b"cut short\n", b"new\n"]


async def test_unstamped_output_passes_as_it_is() -> None:
    out: list[bytes] = []
    lines = kube_logs.Lines(out.append)
    lines.write(b"plain line\n")
    assert out == [b"plain line\n"]
