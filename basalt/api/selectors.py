"""Kubernetes label and field selectors, parsed once and matched against object dicts.

Label syntax: ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a``, ``!a``, comma-
separated (all must hold). Field selectors support ``=``, ``==`` and ``!=`` on metadata.name,
metadata.namespace, status.phase (pods) and status.state.phase (jobs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from basalt import errors

Obj = dict[str, Any]
Matcher = Callable[[Obj], bool]

_SET_RE = re.compile(r"^\s*(!?)([A-Za-z0-9_./-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)\s*$")
FIELDS: dict[str, Callable[[Obj], str]] = {
    "metadata.name": lambda o: str((o.get("metadata") or {}).get("name") or ""),
    "metadata.namespace": lambda o: str((o.get("metadata") or {}).get("namespace") or ""),
    "status.phase": lambda o: str((o.get("status") or {}).get("phase") or ""),
    "status.state.phase": lambda o: str(((o.get("status") or {}).get("state") or {}).get("phase") or ""),
    "spec.nodeName": lambda o: str((o.get("spec") or {}).get("nodeName") or ""),
}


def _split(selector: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in selector:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p for p in parts if p.strip()]


def labels(selector: str) -> Matcher:
    rules = [_label_rule(part) for part in _split(selector or "")]
    return lambda obj: all(rule(((obj.get("metadata") or {}).get("labels") or {})) for rule in rules)


def _label_rule(part: str) -> Callable[[dict[str, str]], bool]:
    eq = _EQ_RE.match(part)
    if eq:
        key, op, value = eq.groups()
        if op == "!=":
            return lambda lbl: lbl.get(key) != value
        return lambda lbl: lbl.get(key) == value
    match = _SET_RE.match(part)
    if not match:
        raise errors.BadRequest(f"unable to parse requirement: invalid label selector {part.strip()!r}")
    negate, key, op, values = match.groups()
    if op:
        wanted = {v.strip() for v in values.split(",") if v.strip()}
        if op == "in":
            return lambda lbl: lbl.get(key) in wanted
        return lambda lbl: lbl.get(key) not in wanted
    if negate:
        return lambda lbl: key not in lbl
    return lambda lbl: key in lbl


def fields(selector: str) -> Matcher:
    rules = [_field_rule(part) for part in _split(selector or "")]
    return lambda obj: all(rule(obj) for rule in rules)


def _field_rule(part: str) -> Matcher:
    eq = _EQ_RE.match(part)
    if not eq:
        raise errors.BadRequest(f"invalid field selector {part.strip()!r}: expected field=value or field!=value")
    name, op, value = eq.groups()
    getter = FIELDS.get(name)
    if getter is None:
        raise errors.BadRequest(f'field label not supported: "{name}" (supported: {", ".join(sorted(FIELDS))})')
    if op == "!=":
        return lambda obj: getter(obj) != value
    return lambda obj: getter(obj) == value
