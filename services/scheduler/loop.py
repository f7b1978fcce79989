"""One scheduling session per period over the cached shared view; commit what this instance owns.

The I/O edge of the scheduler. The session itself (services/scheduler/framework) is pure; this
module opens it on a snapshot assembled from the informer cache, restricted to the PodGroups the
ring gives this instance, runs it off the event loop (so leases keep being renewed during a long
session), and commits through ``commit.Committer``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Mapping
from typing import Any

from redis.exceptions import RedisError

from basalt import metrics as metrics_mod
from basalt import ring as ring_mod
from basalt.api import kinds, meta, resources
from basalt.store import extras, membership, objects
from services.scheduler import commit, heap, metrics, policy, takeover
from services.scheduler import conf as conf_mod
from services.scheduler.cache import share, view
from services.scheduler.framework import result as result_mod
from services.scheduler.framework import runner

Obj = dict[str, Any]
Stats = commit.Stats
log = logging.getLogger("basalt.scheduler")
NODE_GROUP = "node"
CATCH_UP_SECONDS = 10.0


class SchedulerLoop:
    def __init__(self, store: objects.Store, policies: policy.PolicySource, members: membership.Membership,
                 cache: view.ClusterCache, *, max_groups: int = 0) -> None:
        self.store = store
        self.policies = policies
        self.members = members
        self.cache = cache
        self.max_groups = max_groups
        self.stats = Stats()
        self.extras = extras.Extras(store.redis)
        self.capabilities: dict[str, Mapping[str, int] | None] = {}
        self.committer = commit.Committer(store, cache, self.stats, lambda q: self.capabilities.get(q))
        self.takeover = takeover.TakeoverClock()
        self.owned_podgroups = 0
        self._node_scan: asyncio.Task[dict[str, str]] | None = None
        self.last_open_seconds = 0.0  # snapshot assembly of the last session
        self.last_run_seconds = 0.0  # the pure session (actions and plugins)
        self.last_commit_seconds = 0.0
        self._last_view: tuple[object, ...] = ()  # what the last session ran on (see _idle)
        self.heap = heap.Heap()
        self.registry = metrics_mod.Metrics("scheduler", members.member_id)
        self.metrics = metrics.SchedulerMetrics(self.registry, self)

    @property
    def instance_id(self) -> str:
        return self.members.member_id

    async def run_once(self) -> result_mod.SessionResult:
        started = time.perf_counter()
        conf = self.policies.get()
        ring = await self.members.refresh()
        self.takeover.observe(self.members, self.cache.group_records)
        live_nodes = await self._live_nodes()
        await self._sync_capabilities()
        await self._catch_up()
        view_now = (ring.members, frozenset(live_nodes), conf)
        if self._idle(self.cache.take_changes(), view_now, ring):
            self.stats.sessions_skipped += 1
            return result_mod.SessionResult(binds=[], podgroup_updates=[], reasons={})
        self._last_view = view_now
        with self.heap.paused():  # the session's objects live until it ends (see heap.py)
            decided, bound = await self._session(ring, live_nodes, conf)
        self.heap.settle()  # between sessions, not in one
        took_over = self.takeover.scheduled(bound)
        if took_over is not None:
            self.metrics.takeover.record(took_over)
        self.stats.sessions += 1
        self.stats.last_session_seconds = time.perf_counter() - started
        self.metrics.session.record(self.stats.last_session_seconds)
        return decided

    async def _session(self, ring: ring_mod.Ring, live_nodes: dict[str, str],
                       conf: conf_mod.SchedulerConf) -> tuple[result_mod.SessionResult, set[str]]:
        """Open a snapshot of this instance's share, run the session on it, commit what it decided."""
        opened = time.perf_counter()
        # Each member starts its node scan at its own point of the node list (fewer races).
        start = ring.members.index(self.instance_id) / len(ring.members)
        snap, part = self.cache.snapshot(live_nodes, lambda key: ring.owns(self.instance_id, key),
                                          self.max_groups, start)
        self.last_open_seconds = time.perf_counter() - opened
        self.owned_podgroups = part.owned_waiting
        ran = time.perf_counter()
        with self.cache.held():  # events wait in Redis: the session reads its snapshot only
            decided = await asyncio.to_thread(runner.run_session, snap, conf, time.time())
        committed = time.perf_counter()
        self.last_run_seconds = committed - ran
        bound = await self.committer.commit(decided, await self._still_owned(part.active))
        self.last_commit_seconds = time.perf_counter() - committed
        return decided, bound

    def _idle(self, changes: view.Changes, view_now: tuple[object, ...], ring: ring_mod.Ring) -> bool:
        """Nothing for a session to do: no owned group waits, none changed, and the nodes, ring and
        policy are those of the last session. A session over 100k bound pods costs seconds of CPU
        even when it places nothing; an idle instance leaves that CPU to the busy ones."""
        if changes.everything or view_now != self._last_view:
            return False
        owns = functools.partial(ring.owns, self.instance_id)
        if any(owns(group) for group in changes.groups):
            return False
        self.owned_podgroups = share.owned_waiting(self.cache.group_records.values(),
                                                   self.cache.pod_records.values(), owns)
        return self.owned_podgroups == 0

    async def _catch_up(self) -> None:
        """Open on a view holding every commit made so far (ours and the other instances'), so
        a session does not re-plan what is already bound. A feed that cannot catch up (Redis is
        away) only delays: the session then runs on what the cache has, and CAS guards commits."""
        try:
            await asyncio.wait_for(self.cache.catch_up(), CATCH_UP_SECONDS)
        except (asyncio.TimeoutError, RedisError) as exc:
            log.warning("view not caught up (%s); scheduling on the cached view", exc or "timeout")

    async def close(self) -> None:
        if self._node_scan is not None:
            self._node_scan.cancel()
            await asyncio.gather(self._node_scan, return_exceptions=True)

    async def _live_nodes(self) -> dict[str, str]:
        """Nodes with a live lease. Scanning 10k leases takes ~250 ms, so each session uses the
        scan started at the previous one (it ran while that session computed): a node whose lease
        lapsed leaves the snapshot one session later, and no session waits for the scan."""
        scan = self._node_scan
        self._node_scan = asyncio.ensure_future(extras.live_members(self.store.redis, NODE_GROUP))
        if scan is None:
            return await self._node_scan
        return await scan

    async def _still_owned(self, active: frozenset[str]) -> frozenset[str]:
        """The session's groups this instance still owns: a member that joined while the session
        ran owns part of them now and may already be placing them (a fence against that race)."""
        ring = await self.members.refresh()
        return frozenset(k for k in active if ring.owns(self.instance_id, k))

    async def _sync_capabilities(self) -> None:
        """Keep each queue's capability beside its usage, for the bind script's queue limit."""
        fresh = {meta.name(q): capability(q) for q in self.cache.objects[kinds.QUEUE.plural].values()}
        for name in set(fresh) | set(self.capabilities):
            if name not in self.capabilities or fresh.get(name) != self.capabilities.get(name):
                await self.extras.set_queue_capability(name, fresh.get(name))
        self.capabilities = dict(fresh)


def capability(queue: Obj) -> dict[str, int] | None:
    """The queue's spec.capability in milli-units (placement resources only); None: unlimited."""
    spec = (queue.get("spec") or {}).get("capability")
    if not spec:
        return None
    try:
        return resources.schedulable(resources.from_quantities(spec)) or None
    except (ValueError, TypeError):
        return None  # admission refuses these; an unreadable capability sets no limit
