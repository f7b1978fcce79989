"""JSON shape checks the API server's CRD schema would make, so later rules can trust types.

Objects arrive as decoded JSON; a ``replicas: "3"`` must be refused with a field path rather
than crash a rule. The accessors return Go's zero value for absent fields, as Volcano reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from services.admission.validators import causes

_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "unknown")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_int(value: Any) -> int:
    """The integer, or 0 (Go's zero value) when absent or not an integer."""
    return value if is_int(value) else 0


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def spec(obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(obj.get("spec"))


def check(value: Any, expected: str, field: str) -> causes.Causes:
    """One cause when ``value`` is present and not of the JSON type ``expected``."""
    if value is None or json_type(value) == expected:
        return []
    return [
        causes.Cause(
            field,
            f'{field} in body must be of type {expected}: "{json_type(value)}"',
            causes.TYPE_INVALID,
        )
    ]


def check_fields(obj: dict[str, Any], types: dict[str, str], prefix: str) -> causes.Causes:
    out: causes.Causes = []
    for key, expected in types.items():
        out += check(obj.get(key), expected, f"{prefix}.{key}")
    return out


def items(obj: dict[str, Any], key: str, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(path, item)`` for each object in the list ``obj[key]`` (non-objects are skipped)."""
    for index, item in enumerate(as_list(obj.get(key))):
        if isinstance(item, dict):
            yield f"{prefix}.{key}[{index}]", item


def check_items(obj: dict[str, Any], key: str, prefix: str) -> causes.Causes:
    """The list must hold objects."""
    out: causes.Causes = []
    for index, item in enumerate(as_list(obj.get(key))):
        out += check(item, "object", f"{prefix}.{key}[{index}]")
    return out
