"""Objects held compactly: identical parts of many objects are one shared dict.

A decoded pod is ~3.9 KB of dicts and strings, ~8x its JSON. The pods of one job differ only in
name, uid and timestamps: their spec, labels, annotations and status are equal, and after a bind
the spec differs only by node. ``Compactor`` decodes each object once and replaces those sections
by one canonical instance per distinct content (same keys, order, types and values), and
interns the names that repeat (keys, namespace, kind), so 100k pods cost about their unique
fields. Objects stay plain dicts: the framework and the commit read them as before.

Shared sections must never be modified in place. Nothing in the scheduler does: the framework is
pure, and the commit builds new dicts for what it writes (``commit.bound_pod``, ``desired_group``,
``mark_deleted``'s deep copy).
"""

from __future__ import annotations

import sys
from typing import Any

from basalt.store import codec

Obj = dict[str, Any]
# Sections shared between objects: top-level fields, then metadata fields.
SHARED = ("spec", "status")
SHARED_METADATA = ("labels", "annotations", "ownerReferences", "finalizers")
# Top-level and metadata fields whose string values repeat across objects.
REPEATED = ("apiVersion", "kind")
REPEATED_METADATA = ("namespace", "creationTimestamp", "generateName")
MAX_ENTRIES = 262_144  # the table is cleared past this: sharing restarts, nothing breaks


class Compactor:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._table: dict[str, Any] = {}
        self._max = max_entries

    def __len__(self) -> int:
        return len(self._table)

    def decode(self, data: bytes | str, rv: int) -> Obj:
        """``codec.decode`` with shared sections."""
        return self.compact(codec.decode(data, rv))

    def compact(self, obj: Obj, like: Obj | None = None) -> Obj:
        """A new dict equal to ``obj`` (not modified) whose shareable sections are canonical.
        ``like`` is the object's previous version: its sections that did not change are taken
        as they are (an update changes one or two sections; comparing is cheaper than hashing)."""
        out = self._fields(obj, SHARED, REPEATED, like)
        md = out.get("metadata")
        if isinstance(md, dict):
            held_md = like.get("metadata") if like is not None else None
            out["metadata"] = self._fields(md, SHARED_METADATA, REPEATED_METADATA,
                                           held_md if isinstance(held_md, dict) else None)
        return out

    def _fields(self, obj: Obj, shared: tuple[str, ...], repeated: tuple[str, ...], like: Obj | None) -> Obj:
        # Keys are interned too: json.loads shares them only within one document.
        out = {sys.intern(k): v for k, v in obj.items()}
        for name in shared:
            value = out.get(name)
            if isinstance(value, (dict, list)):
                before = like.get(name) if like is not None else None
                out[name] = before if before is not None and before == value else self.canonical(value)
        for name in repeated:
            value = out.get(name)
            if isinstance(value, str):
                out[name] = sys.intern(value)
        return out

    def canonical(self, value: Any) -> Any:
        """The shared instance equal to ``value`` (``value`` itself when first seen)."""
        # repr of decoded JSON (str, int, float, bool, None, list, dict) is exact: equal text means
        # equal values of equal types in equal order; and it is cheaper than json.dumps.
        key = repr(value)
        found = self._table.get(key)
        if found is not None:
            return found
        if len(self._table) >= self._max:
            self._table.clear()
        self._table[key] = value
        return value
