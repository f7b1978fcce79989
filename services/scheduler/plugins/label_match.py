"""Kubernetes set-based requirements (``In``, ``NotIn``, ``Exists``, ``DoesNotExist``, ``Gt``,
``Lt``) on a label map: shared by node affinity terms and pod affinity label selectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def expression_matches(values: Mapping[str, str], expr: Mapping[str, Any]) -> bool:
    key, op, wanted = expr.get("key") or "", expr.get("operator"), [str(v) for v in expr.get("values") or []]
    present = key in values
    value = values.get(key, "")
    if op == "In":
        return present and value in wanted
    if op == "NotIn":
        return not present or value not in wanted
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, bound = int(value), int(wanted[0])
        except ValueError:
            return False
        return have > bound if op == "Gt" else have < bound
    return False
