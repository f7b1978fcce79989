"""Typed reads of a plugin's ``arguments`` map (Volcano's framework.Arguments).

Like Volcano, a value of the wrong type is ignored and the default kept; YAML gives ints, floats,
bools and strings, and quoted numbers are accepted because hand-written configs often quote them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def get_int(args: Mapping[str, Any], key: str, default: int) -> int:
    value = args.get(key)
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default


def get_float(args: Mapping[str, Any], key: str, default: float) -> float:
    value = args.get(key)
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return default
    return default


def get_bool(args: Mapping[str, Any], key: str, default: bool) -> bool:
    value = args.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return default


def get_str(args: Mapping[str, Any], key: str, default: str) -> str:
    value = args.get(key)
    return value if isinstance(value, str) else default
