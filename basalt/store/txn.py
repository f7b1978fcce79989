"""A transaction plan: object writes plus accounting, committed by one Lua script."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from basalt.api import kinds, meta, resources
from basalt.store import accounting, codec, keys

Obj = dict[str, Any]
ANY_VERSION = -1
MUST_NOT_EXIST = 0


@dataclass
class Txn:
    """Collects writes; ``Store.commit`` applies all of them or none.

    Pod writes carry their own accounting: moving a pod onto a node checks and takes the node's
    (and queue's) resources, finishing or deleting it gives them back, in the same script.
    """

    keys: list[str] = field(default_factory=lambda: [keys.RESOURCE_VERSION])
    puts: list[dict[str, Any]] = field(default_factory=list)
    limits: list[dict[str, Any]] = field(default_factory=list)
    incrs: list[dict[str, Any]] = field(default_factory=list)
    objects: list[Obj | None] = field(default_factory=list)
    put_kinds: list[kinds.Kind] = field(default_factory=list)  # the kind of each put, for error messages
    # Each put's object JSON, sent as its own ARGV: inside the plan JSON it would be escaped here
    # and unescaped by cjson in Redis, the largest part of a bind's cost on both sides.
    jsons: list[str] = field(default_factory=list)
    # Who commits, recorded on the watch events (a scheduler tells its own writes from others').
    origin: str = ""

    def key(self, name: str) -> int:
        """1-based KEYS index of ``name``, adding it once."""
        try:
            return self.keys.index(name) + 1
        except ValueError:
            self.keys.append(name)
            return len(self.keys)

    def put(self, kind: kinds.Kind, obj: Obj, *, expect: int, old: Obj | None = None) -> None:
        """Write ``obj``; ``expect`` is the resourceVersion it must have now (0: must not exist)."""
        self._write(kind, obj, expect=expect, delete=False)
        if kind is kinds.POD:
            self._account(old, obj)

    def delete(self, kind: kinds.Kind, obj: Obj, *, expect: int = ANY_VERSION) -> None:
        self._write(kind, obj, expect=expect, delete=True)
        if kind is kinds.POD:
            self._account(obj, None)

    def incr(self, key_name: str, fld: str, by: int) -> None:
        """HINCRBY once the checks pass; increments of one field add up (one call in the script)."""
        if not by:
            return
        k = self.key(key_name)
        for inc in self.incrs:
            if inc["k"] == k and inc["f"] == fld:
                inc["by"] += by
                return
        self.incrs.append({"k": k, "f": fld, "by": by})

    def limit(self, used_key: str, cap_key: str, resource: str, add: int) -> None:
        """Refuse the commit unless used[resource] + add <= cap[resource]. Limits on the same
        counter add up: the script checks each against the stored usage, so two pods of a gang
        on one node must be checked as one amount."""
        used, cap = self.key(used_key), self.key(cap_key)
        for lim in self.limits:
            if (lim["used"], lim["cap"]) == (used, cap):
                names: list[str] = lim["res"]
                if resource in names:
                    lim["add"][names.index(resource)] += add
                else:
                    names.append(resource)
                    lim["add"].append(add)
                return
        self.limits.append({"used": used, "cap": cap, "res": [resource], "add": [add]})

    def args(self, stream_cap: int) -> list[str]:
        """The script's ARGV: the plan, then the objects' JSON (``a`` in each put indexes it).
        Streams keep at least ``stream_cap`` entries and up to 5% more (see scripts.TXN)."""
        plan = json.dumps({"puts": self.puts, "limits": self.limits, "incr": self.incrs, "cap": stream_cap,
                           "slack": max(1, stream_cap // 20), "origin": self.origin})
        return [plan, *self.jsons]

    def _write(self, kind: kinds.Kind, obj: Obj, *, expect: int, delete: bool) -> None:
        ns, name = meta.namespace(obj), meta.name(obj)
        self.puts.append({
            "k": self.key(keys.obj(kind.plural, ns, name)),
            "idx": self.key(keys.index(kind.plural)),
            "ev": self.key(keys.events(kind.plural)),
            "tr": self.key(keys.trimmed(kind.plural)),
            "m": keys.member(ns, name),
            "expect": expect,
            "a": len(self.jsons) + 2,
            "del": delete,
        })
        self.jsons.append(codec.encode(obj))
        self.objects.append(obj)
        self.put_kinds.append(kind)

    def _account(self, old: Obj | None, new: Obj | None) -> None:
        before, after = accounting.hold(old), accounting.hold(new)
        if before == after:
            return
        if before is not None:
            self._move(before, -1)
        if after is not None:
            for res, amount in after.requests.items():
                if amount > 0:
                    self.limit(keys.node_used(after.node), keys.node_allocatable(after.node), res, amount)
            self._move(after, +1)

    def _move(self, held: accounting.Hold, sign: int) -> None:
        for res, amount in held.requests.items():
            self.incr(keys.node_used(held.node), res, sign * amount)
            if held.queue:
                self.incr(keys.queue_used(held.queue), res, sign * amount)

