"""Queue resource lists as Volcano's scheduler ``api.Resource`` sees them, for hierarchy checks.

cpu in milli-cores, memory in bytes, pods as a count, other scalar resources (``nvidia.com/gpu``,
``hugepages-*``, ``ephemeral-storage``) in milli-units. Plain names outside these are ignored,
as Volcano ignores them. Messages print vectors the way ``Resource.String`` does.
"""

from __future__ import annotations

import math
from typing import Any

from basalt.api import quantity
from services.admission.validators import quantities

Vector = dict[str, float]
CPU = "cpu"
MEMORY = "memory"


def _scalar_value(name: str, value: Any) -> float | None:
    parsed = quantities.parse(value)
    if parsed is None or name.startswith("count/"):
        return None
    if name == CPU:
        return float(math.ceil(parsed * 1000))
    if name in (MEMORY, "pods"):
        return float(math.ceil(parsed))
    if name == "ephemeral-storage" or name.startswith("hugepages-") or "/" in name:
        return float(math.ceil(parsed * 1000))
    return None


def vector(resources: Any) -> Vector:
    out: Vector = {CPU: 0.0, MEMORY: 0.0}
    for name, value in (resources or {}).items() if isinstance(resources, dict) else ():
        amount = _scalar_value(str(name), value)
        if amount is not None:
            out[str(name)] = out.get(str(name), 0.0) + amount
    return out


def add(a: Vector, b: Vector) -> Vector:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, 0.0) + value
    return out


def less_partly(limit: Vector, total: Vector) -> bool:
    """``limit.LessPartly(total, Zero)``: some dimension of ``limit`` is below ``total``.

    A dimension present in ``total`` but absent from ``limit`` counts as a zero limit.
    """
    return any(name not in limit or limit[name] < value for name, value in total.items())


def names(v: Vector) -> list[str]:
    """``ResourceNames``: dimensions with a meaningful amount."""
    return [name for name, value in v.items() if value >= 0.1]


def to_string(v: Vector) -> str:
    scalars = sorted(name for name in v if name not in (CPU, MEMORY))
    parts = [f"cpu {v.get(CPU, 0.0):0.2f}", f"memory {v.get(MEMORY, 0.0):0.2f}"]
    return ", ".join(parts + [f"{name} {v[name]:0.2f}" for name in scalars])


def format_with_type(name: str, value: float) -> str:
    if name == CPU:
        return quantity.format_milli(CPU, int(value))
    if name == MEMORY:
        return quantity.format_milli(MEMORY, int(value) * 1000)
    return f"{value:.2f}"
