"""Kubernetes timestamps and Go durations, as Volcano writes them into job status."""

from __future__ import annotations

import datetime as dt
import re

_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


def rfc3339(moment: dt.datetime) -> str:
    """``metav1.Time`` as JSON: UTC, whole seconds."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def go_duration(delta: dt.timedelta) -> str:
    """``time.Duration.String()`` (what ``metav1.Duration`` marshals to): ``1h2m3.5s``, ``0s``."""
    micros = round(delta.total_seconds() * 1_000_000)
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    if micros == 0:
        return "0s"
    if micros < 1000:
        return f"{sign}{micros}µs"
    if micros < 1_000_000:
        return f"{sign}{_trim(micros / 1000)}ms"
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = _trim(rest / 1_000_000)
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{sign}{minutes}m{seconds}s"
    return f"{sign}{seconds}s"


def parse_go_duration(value: str) -> dt.timedelta:
    """``time.ParseDuration`` for the non-negative values policies carry (``30s``, ``1h30m``)."""
    text = value.strip()
    if text in ("0", ""):
        return dt.timedelta(0)
    parts = _GO_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"invalid duration {value!r}")
    return dt.timedelta(seconds=sum(float(number) * _GO_UNITS[unit] for number, unit in parts))


def _trim(number: float) -> str:
    return f"{number:.6f}".rstrip("0").rstrip(".")
