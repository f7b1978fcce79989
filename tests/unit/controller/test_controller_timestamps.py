"""Go durations and Kubernetes timestamps as they appear in job status and policies."""

from __future__ import annotations

import datetime as dt

import pytest

from services.controller.state import timestamps


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (0.0005, "500µs"), (0.25, "250ms"), (1.5, "1.5s"), (90, "1m30s"), (3600, "1h0m0s"), (3725.25, "1h2m5.25s")],
)
def test_go_duration_string(seconds: float, text: str) -> None:
    assert timestamps.go_duration(dt.timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(("text", "seconds"), [("10m", 600), ("1h30m", 5400), ("1.5s", 1.5), ("250ms", 0.25), ("0", 0)])
def test_parse_go_duration(text: str, seconds: float) -> None:
    assert timestamps.parse_go_duration(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["10", "ten minutes", "5d"])
def test_parse_go_duration_refuses_junk(text: str) -> None:
    with pytest.raises(ValueError):
        timestamps.parse_go_duration(text)


def test_rfc3339_is_utc_whole_seconds() -> None:
    moment = dt.datetime(2026, 5, 1, 14, 0, 0, 900000, tzinfo=dt.timezone(dt.timedelta(hours=2)))

    assert timestamps.rfc3339(moment) == "2026-05-01T12:00:00Z"
    assert timestamps.parse_time("2026-05-01T12:00:00Z") == moment.replace(microsecond=0)
