"""ClusterCache: feeds over the five kinds a session reads, converted to records as events come.

A session then opens from memory: no LIST per session. Each object is decoded once, when its
event arrives, into the compact form of ``compact.Compactor`` (sections shared between objects),
and held once: the feeds keep no copy. The scheduler's own commits are applied to the cache at
once (``note``), and an older event never overwrites a newer record, so the next
session does not re-plan what was just bound while the watch catches up.

The cache also records what the watches changed since the last session (``take_changes``): the
PodGroups whose pods or status moved, or "everything" for nodes, queues and priority classes.
An instance with nothing waiting skips a session in which nothing it owns changed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from basalt.api import kinds, meta
from basalt.store import codec, objects
from services.scheduler.cache import compact, feed, records, share
from services.scheduler.framework import snapshot as snap

Obj = dict[str, Any]
KINDS = (kinds.NODE, kinds.POD, kinds.PODGROUP, kinds.QUEUE, kinds.PRIORITY_CLASS)


@dataclass
class Changes:
    """What the watches changed since the last ``take_changes`` (our own commits excluded: the
    session that made them already knows them)."""

    everything: bool = True  # nodes, queues or priority classes changed; or nothing seen yet
    groups: set[str] = field(default_factory=set)  # PodGroup keys whose group or pods changed


class ClusterCache:
    def __init__(self, store: objects.Store, origin: str = "") -> None:
        self.store = store
        self.origin = origin  # our commits' Txn.origin: their events are no news
        self._origin_tag = origin.encode()  # as the watch events carry it
        self.objects: dict[str, dict[str, Obj]] = {k.plural: {} for k in KINDS}
        self.pod_records: dict[str, snap.PodRecord] = {}
        self.group_records: dict[str, snap.PodGroupRecord] = {}
        self.classes = records.priority_classes(())
        self.compactor = compact.Compactor()
        self.feeds = [feed.Feed(store, k, self._handler(k), self._gone(k)) for k in KINDS]
        self._nodes_changed = True
        self._node_key: tuple[frozenset[str], float] = (frozenset(), 0.0)
        self._node_part = records.node_part((), ())
        self._matrix = records.MatrixMemo()
        self.changes = Changes()

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(f.run(stop) for f in self.feeds))

    async def wait_synced(self) -> None:
        await asyncio.gather(*(f.synced.wait() for f in self.feeds))

    async def catch_up(self) -> None:
        """Until every change committed before this call is in the view."""
        heads = await self.store.stream_heads([f.kind for f in self.feeds])
        await asyncio.gather(*(f.reach(head) for f, head in zip(self.feeds, heads)))

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Feeds wait while the body runs (a session computing on its snapshot)."""
        for f in self.feeds:
            f.hold()
        try:
            yield
        finally:
            for f in self.feeds:
                f.release()

    def note(self, kind: kinds.Kind, obj: Obj, deleted: bool = False) -> None:
        """Apply one of our own committed writes before its watch event arrives."""
        held = self.objects[kind.plural].get(meta.key(obj))
        self._apply(kind, "DELETED" if deleted else "MODIFIED", self.compactor.compact(obj, like=held),
                    observed=False)

    def take_changes(self) -> Changes:
        """What changed since the previous call."""
        taken, self.changes = self.changes, Changes(everything=False)
        return taken

    def get(self, kind: kinds.Kind, key: str) -> Obj | None:
        return self.objects[kind.plural].get(key)

    def snapshot(self, live_nodes: Collection[str], owns: Callable[[str], bool], max_groups: int,
                 node_start: float = 0.0) -> tuple[snap.Snapshot, share.Share]:
        """The session's snapshot and this instance's share of it; ``node_start`` rotates the
        node order (see ``records.node_part``)."""
        part = self._nodes(live_nodes, node_start)
        pods = sorted(self.pod_records.values(), key=lambda r: r.uid)
        chosen = share.select(self.group_records.values(), pods, owns, max_groups)
        dims = records.dimensions_of(part, chosen.pods)
        queues = [records.queue_record(q) for q in self.objects[kinds.QUEUE.plural].values()]
        built = records.assemble(part, self._matrix.get(part, dims), dims, chosen.pods, chosen.groups,
                                 queues, self.classes.values)
        return built, chosen

    def _nodes(self, live: Collection[str], start: float) -> records.NodePart:
        key = (frozenset(live), start)
        if self._nodes_changed or key != self._node_key:
            self._node_part = records.node_part(self.objects[kinds.NODE.plural].values(), key[0], start)
            self._node_key, self._nodes_changed = key, False
        return self._node_part

    def _handler(self, kind: kinds.Kind) -> feed.Handler:
        store = self.objects[kind.plural]

        def handle(event: str, key: str, data: bytes, rv: int, origin: bytes) -> None:
            if key and _holds(store.get(key), rv, event):
                return  # a relist of what is held: skip the decode
            obj = codec.decode(data, rv)  # a watch event names its object only in the JSON
            held = store.get(meta.key(obj))
            if _holds(held, rv, event):
                return  # our own commit, already noted: nothing to convert
            # Our own commit may come back before ``note``: it is applied, but it is no news.
            self._apply(kind, event, self.compactor.compact(obj, like=held),
                        observed=not self._origin_tag or origin != self._origin_tag)
        return handle

    def _gone(self, kind: kinds.Kind) -> feed.Gone:
        def gone(seen: Collection[str]) -> None:
            for key in [k for k in self.objects[kind.plural] if k not in seen]:
                self._apply(kind, "DELETED", self.objects[kind.plural][key])
        return gone

    def _apply(self, kind: kinds.Kind, event: str, obj: Obj, *, observed: bool = True) -> None:
        key, store = meta.key(obj), self.objects[kind.plural]
        held = store.get(key)
        if event == "DELETED":
            # A deletion is final for this name (a re-created object arrives as a newer ADDED).
            store.pop(key, None)
        elif held is not None and meta.resource_version(held) >= meta.resource_version(obj):
            return  # our own committed write (already applied) or an older event: keep ours
        else:
            store[key] = obj
        if observed:
            self._changed(kind, key)  # the group the pod was in
        self._convert(kind, key, store.get(key))
        if observed:
            self._changed(kind, key)  # and the one it is in now

    def _changed(self, kind: kinds.Kind, key: str) -> None:
        if kind is kinds.POD:
            record = self.pod_records.get(key)
            if record is not None and record.group:
                self.changes.groups.add(record.group)
        elif kind is kinds.PODGROUP:
            self.changes.groups.add(key)
        else:
            self.changes.everything = True

    def _convert(self, kind: kinds.Kind, key: str, obj: Obj | None) -> None:
        if kind is kinds.POD:
            _put(self.pod_records, key, self._pod_record(key, obj))
        elif kind is kinds.PODGROUP:
            _put(self.group_records, key, records.podgroup_record(obj, self.classes) if obj is not None else None)
        elif kind is kinds.NODE:
            self._nodes_changed = True
        elif kind is kinds.PRIORITY_CLASS:
            self._reclassify()

    def _pod_record(self, key: str, obj: Obj | None) -> snap.PodRecord | None:
        """A bind or a status report derives the record from the held one (every instance
        converts every bind, its own and the others': this is the watch's hot path)."""
        if obj is None:
            return None
        held = self.pod_records.get(key)
        updated = records.pod_update(held, obj) if held is not None else None
        return updated if updated is not None else records.pod_record(obj, self.classes)

    def _reclassify(self) -> None:
        """Priorities are resolved into records; a class change re-derives them (rare)."""
        self.classes = records.priority_classes(self.objects[kinds.PRIORITY_CLASS.plural].values())
        for key, pod in self.objects[kinds.POD.plural].items():
            _put(self.pod_records, key, records.pod_record(pod, self.classes))
        for key, group in self.objects[kinds.PODGROUP.plural].items():
            _put(self.group_records, key, records.podgroup_record(group, self.classes))


def _holds(held: Obj | None, rv: int, event: str) -> bool:
    """The cache already has this version of the object (or a newer one)."""
    return held is not None and meta.resource_version(held) >= rv and event != "DELETED"


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
