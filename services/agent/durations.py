"""Durations as users write them in annotations: plain seconds (``"1.5"``) or Go's
``time.ParseDuration`` syntax (``"1.5s"``, ``"200ms"``, ``"1m30s"``), since Volcano users think in
Go durations."""

from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TERM = re.compile(r"([0-9]*\.?[0-9]+|[0-9]+\.)(ns|us|µs|μs|ms|s|m|h)")


class DurationError(ValueError):
    """Text that is neither a number of seconds nor a Go duration."""


def parse_seconds(text: str) -> float:
    """Seconds in ``text``; negative durations are refused (a pod cannot run backwards)."""
    raw = text.strip()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = _parse_go(raw)
    if not seconds >= 0 or seconds == float("inf"):
        raise DurationError(f"duration must be a finite, non-negative number of seconds, got {text!r}")
    return seconds


def _parse_go(raw: str) -> float:
    if raw.startswith("-"):
        raise DurationError(f"duration must not be negative, got {raw!r}")
    body = raw[1:] if raw.startswith("+") else raw
    total, position = 0.0, 0
    for match in _TERM.finditer(body):
        if match.start() != position:
            break
        total += float(match[1]) * _UNITS[match[2]]
        position = match.end()
    if not body or position != len(body):
        raise DurationError(f"invalid duration {raw!r}: want seconds (\"1.5\") or a Go duration (\"1.5s\", \"200ms\")")
    return total
