"""Fake-pod durations: seconds or Go durations."""

from __future__ import annotations

import pytest

from services.agent import durations


@pytest.mark.parametrize(("text", "seconds"), [
    ("1", 1.0), ("0.1", 0.1), (" 2.5 ", 2.5), ("0", 0.0),
    ("1.5s", 1.5), ("200ms", 0.2), ("1m30s", 90.0), ("1h", 3600.0), ("500us", 0.0005),
    ("10µs", 0.00001), ("3ns", 3e-9), ("+2s", 2.0), (".5s", 0.5), ("1h2m3.5s", 3723.5),
])
def test_parses(text: str, seconds: float) -> None:
    assert durations.parse_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "s", "1x", "1.5 s", "-1", "-1s", "1s2", "inf", "nan", "ms200"])
def test_refuses(text: str) -> None:
    with pytest.raises(durations.DurationError):
        durations.parse_seconds(text)
