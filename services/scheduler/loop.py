"""One scheduling session per period: read the shared view, run the pure core, commit.

The I/O edge of the scheduler. The session itself (services/scheduler/framework) is pure; this
module reads its inputs from Redis and commits its decisions: PodGroup status with CAS, and each
gang with one atomic script (all pods bound or none), so a racing instance loses cleanly.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from dataclasses import dataclass
from typing import Any

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import extras, objects, txn
from services.scheduler import conf as conf_mod
from services.scheduler import framework
from services.scheduler.framework import result as result_mod

Obj = dict[str, Any]
log = logging.getLogger("basalt.scheduler")


@dataclass
class Stats:
    sessions: int = 0
    pods_bound: int = 0
    gangs_bound: int = 0
    commit_conflicts: int = 0
    last_session_seconds: float = 0.0


class SchedulerLoop:
    def __init__(self, store: objects.Store, policy: conf_mod.SchedulerConf, instance_id: str) -> None:
        self.store = store
        self.policy = policy
        self.instance_id = instance_id
        self.stats = Stats()

    async def run_once(self) -> result_mod.SessionResult:
        started = time.perf_counter()
        nodes, pods, podgroups, queues, classes = await asyncio.gather(
            self.store.list_all(kinds.NODE), self.store.list_all(kinds.POD),
            self.store.list_all(kinds.PODGROUP), self.store.list_all(kinds.QUEUE),
            self.store.list_all(kinds.PRIORITY_CLASS))
        live = await extras.live_members(self.store.redis, "node")
        nodes = [n for n in nodes if meta.name(n) in live]
        snapshot = framework.build_snapshot(nodes, pods, podgroups, queues, classes)
        decided = framework.run_session(snapshot, self.policy, time.time())
        await self._commit(decided, {meta.key(p): p for p in pods}, {meta.key(g): g for g in podgroups})
        self.stats.sessions += 1
        self.stats.last_session_seconds = time.perf_counter() - started
        return decided

    async def _commit(self, decided: result_mod.SessionResult, pods: dict[str, Obj], groups: dict[str, Obj]) -> None:
        """Binds first; a gang whose bind lost a race keeps its old PodGroup status (it would
        otherwise claim a placement that did not happen) and is re-planned next session."""
        lost = set()
        for gang in decided.binds:
            if not await self._bind(gang, pods):
                lost.add(f"{gang.podgroup_namespace}/{gang.podgroup_name}")
        for update in decided.podgroup_updates:
            key = f"{update.namespace}/{update.name}"
            if key not in lost and key in groups:
                await self._update_podgroup(groups[key], update)

    async def _update_podgroup(self, group: Obj, update: result_mod.PodGroupUpdate) -> None:
        changed = copy.deepcopy(group)
        st = changed.setdefault("status", {})
        st.update(phase=update.phase, conditions=update.conditions, running=update.running,
                  succeeded=update.succeeded, failed=update.failed)
        if changed == group:
            return
        try:
            await self.store.update(kinds.PODGROUP, changed)
        except (errors.Conflict, errors.NotFound):
            self.stats.commit_conflicts += 1  # changed under us; the next session sees the new state

    async def _bind(self, gang: result_mod.GangBind, pods: dict[str, Obj]) -> bool:
        plan = txn.Txn()
        for target in gang.pods:
            pod = pods[f"{target.namespace}/{target.name}"]
            plan.put(kinds.POD, bound(pod, target.node), expect=target.resource_version, old=pod)
        try:
            await self.store.commit(plan)
        except (errors.Conflict, errors.NotFound, errors.Insufficient) as exc:
            self.stats.commit_conflicts += 1
            log.info("gang %s/%s not bound (%s); re-planning next session",
                     gang.podgroup_namespace, gang.podgroup_name, exc.message)
            return False
        self.stats.gangs_bound += 1
        self.stats.pods_bound += len(gang.pods)
        return True


def bound(pod: Obj, node: str) -> Obj:
    """The pod as the bind writes it: on ``node``, with the PodScheduled condition."""
    out = copy.deepcopy(pod)
    out.setdefault("spec", {})["nodeName"] = node
    conditions = [c for c in (out.setdefault("status", {}).get("conditions") or []) if c.get("type") != "PodScheduled"]
    conditions.append({"type": "PodScheduled", "status": "True", "lastTransitionTime": objects.now_iso()})
    out["status"]["conditions"] = conditions
    return out
