"""Encoding of objects for the store: JSON without resourceVersion, which lives beside it."""

from __future__ import annotations

import json
from typing import Any

Obj = dict[str, Any]


def encode(obj: Obj) -> str:
    """Serialise without ``metadata.resourceVersion`` (the store owns that field)."""
    meta = dict(obj.get("metadata") or {})
    meta.pop("resourceVersion", None)
    return json.dumps({**obj, "metadata": meta}, separators=(",", ":"), sort_keys=False)


def decode(data: bytes | str, rv: int | bytes | str) -> Obj:
    obj: Obj = json.loads(data)
    obj.setdefault("metadata", {})["resourceVersion"] = str(int(rv))
    return obj
