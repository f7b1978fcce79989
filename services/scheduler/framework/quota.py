"""Resource arithmetic for quotas and shares, on dicts of milli-units (Volcano's api.Resource).

Queue deserved/capability maths needs "missing dimension" semantics that plain dict add/sub do
not give: a capability that does not mention a resource does not limit it (Infinity), while a
request that does not mention it asks for none (Zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Res = dict[str, float]


def clone(res: Mapping[str, float]) -> Res:
    return dict(res)


def add(a: Mapping[str, float], b: Mapping[str, float]) -> Res:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, 0) + value
    return out


def sub(a: Mapping[str, float], b: Mapping[str, float]) -> Res:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, 0) - value
    return out


def scale(a: Mapping[str, float], factor: float) -> Res:
    return {name: value * factor for name, value in a.items()}


def exceeded_part(a: Mapping[str, float], b: Mapping[str, float]) -> Res:
    """Per dimension, how much ``a`` exceeds ``b`` (never negative)."""
    return {name: max(value - b.get(name, 0), 0) for name, value in a.items()}


def min_with_infinite_missing(a: Mapping[str, float], limit: Mapping[str, float]) -> Res:
    """Cap ``a`` by ``limit``; a dimension ``limit`` does not name is not capped."""
    return {name: min(value, limit[name]) if name in limit else value for name, value in a.items()}


def min_with_zero_missing(a: Mapping[str, float], limit: Mapping[str, float]) -> Res:
    """Cap ``a`` by ``limit``; a dimension ``limit`` does not name caps to zero."""
    return {name: min(value, limit.get(name, 0)) for name, value in a.items()}


def maximum(a: Mapping[str, float], b: Mapping[str, float]) -> Res:
    return {name: max(a.get(name, 0), b.get(name, 0)) for name in set(a) | set(b)}


def less_equal(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Every dimension of ``a`` is at most ``b``'s (missing in ``b`` counts as zero)."""
    return all(value <= b.get(name, 0) for name, value in a.items())


def exceeding(a: Mapping[str, float], b: Mapping[str, float], dims: Iterable[str]) -> list[str]:
    """The dimensions among ``dims`` where ``a`` exceeds ``b`` (missing counts as zero), sorted."""
    return sorted(name for name in dims if a.get(name, 0) > b.get(name, 0))


def requested_dims(res: Mapping[str, float]) -> list[str]:
    return [name for name, value in res.items() if value > 0]


def share(allocated: Mapping[str, float], total: Mapping[str, float]) -> float:
    """The dominant share: the largest allocated/total over ``total``'s dimensions (helpers.Share)."""
    best = 0.0
    for name in total:
        have, out_of = allocated.get(name, 0), total.get(name, 0)
        value = (0.0 if have == 0 else 1.0) if out_of == 0 else have / out_of
        best = max(best, value)
    return best


def is_empty(res: Mapping[str, float]) -> bool:
    return all(value <= 0 for value in res.values())
