"""Parsing the time values policies and annotations carry: Go durations, RFC 3339 timestamps.

Volcano reads ``sla-waiting-time`` with Go's time.ParseDuration ("1h2m3s4ms"); Kubernetes
timestamps are RFC 3339 in UTC ("2026-01-01T00:00:00Z"). Both become float seconds here; an
unreadable value is None so callers keep their default, as Volcano does.
"""

from __future__ import annotations

import calendar
import re
import time

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float | None:
    """Seconds in a Go duration string such as ``1h30m`` or ``-2.5s``; None when malformed."""
    value = text.strip()
    sign = -1.0 if value.startswith("-") else 1.0
    value = value.lstrip("+-")
    if value == "0":
        return 0.0
    total, pos = 0.0, 0
    for match in _PART.finditer(value):
        if match.start() != pos:
            return None
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    return sign * total if pos == len(value) and pos else None


def parse_timestamp(text: str) -> float | None:
    """Epoch seconds of an RFC 3339 UTC timestamp (fractions ignored); None when absent or bad."""
    if not text:
        return None
    try:
        return float(calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")))
    except ValueError:
        return None


def parse_bool(text: str) -> bool | None:
    """Go's strconv.ParseBool."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None
