"""Plugin arguments parsed as Go's ``flag`` package parses them (Volcano's plugins use it).

``--name value``, ``--name=value``, ``-name=value``; booleans also as bare ``--name``. The last
occurrence wins; unknown flags are ignored (Volcano logs the parse error and keeps defaults).
"""

from __future__ import annotations

from collections.abc import Sequence


def string(args: Sequence[str], name: str, default: str) -> str:
    value = default
    for i, arg in enumerate(args):
        flag, eq, raw = arg.lstrip("-").partition("=")
        if flag != name or not arg.startswith("-"):
            continue
        if eq:
            value = raw
        elif i + 1 < len(args):
            value = args[i + 1]
    return value


def integer(args: Sequence[str], name: str, default: int) -> int:
    raw = string(args, name, str(default))
    try:
        return int(raw)
    except ValueError:
        return default


def boolean(args: Sequence[str], name: str, *, default: bool) -> bool:
    value = default
    for arg in args:
        flag, eq, raw = arg.lstrip("-").partition("=")
        if flag == name and arg.startswith("-"):
            value = raw.lower() not in ("false", "0", "f") if eq else True
    return value
