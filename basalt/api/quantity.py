"""Kubernetes resource quantities, parsed exactly.

A quantity such as ``500m``, ``2Gi`` or ``1e3`` is parsed into a :class:`fractions.Fraction`
so no precision is lost; the scheduler works in integer *milli-units* (what Volcano calls
``MilliValue``) for every resource, so ``cpu: 1`` is 1000, ``memory: 1Ki`` is 1_024_000 and
``nvidia.com/gpu: 2`` is 2000. Rounding up to the next milli-unit matches Kubernetes, which
never rounds a request down.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_PATTERN = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<exp>[eE][+-]?[0-9]+)|(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$"
)


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity."""


def parse(value: str | int | float) -> Fraction:
    """Parse a Kubernetes quantity exactly. Ints and floats (from YAML) are accepted as is."""
    if isinstance(value, bool):
        raise QuantityError(f"quantity must be a string or number, got {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"quantity must be finite, got {value!r}")
        return Fraction(str(value))
    if not isinstance(value, str):
        raise QuantityError(f"quantity must be a string or number, got {type(value).__name__}")
    match = _PATTERN.match(value.strip())
    if match is None:
        raise QuantityError(
            f"quantities must match the regular expression "
            f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got {value!r}"
        )
    number = Fraction(match["num"])
    if match["exp"]:
        number *= Fraction(10) ** int(match["exp"][1:])
    else:
        suffix = match["suffix"] or ""
        number *= _BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix]
    return -number if match["sign"] == "-" else number


def to_milli(value: str | int | float) -> int:
    """Parse and convert to integer milli-units, rounding up as Kubernetes does."""
    if isinstance(value, bool):  # True == 1 as a cache key: refuse it before the cache sees it
        raise QuantityError(f"quantity must be a string or number, got {value!r}")
    return _to_milli(value)


@functools.lru_cache(maxsize=65_536)
def _to_milli(value: str | int | float) -> int:
    """Cached: exact parsing is slow and clusters repeat the same few quantities endlessly."""
    return math.ceil(parse(value) * 1000)


def format_milli(resource: str, milli: int) -> str:
    """Render milli-units back as a readable quantity (``1500m`` cpu, ``2Gi`` memory)."""
    if milli % 1000:
        return f"{milli}m"
    units = milli // 1000
    if resource == "memory" or resource.endswith("storage"):
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            scale = _BINARY[suffix]
            if units and units % scale == 0:
                return f"{units // scale}{suffix}"
    return str(units)
