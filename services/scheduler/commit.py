"""Writing a session's decisions: evictions, gang binds, PodGroup status and annotations.

Every write is compare-and-set on the resourceVersion the session planned from, so an instance
that planned from a view another instance has since changed loses cleanly and re-plans next
session. A gang is one script (all pods bound or none) that also checks node allocatable and
the queue's capability. Many scripts go in one round trip (a pipeline), ``chunk`` at a time.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from basalt.api import kinds, labels, meta
from basalt.store import accounting, keys, objects, txn
from services.scheduler.cache import view
from services.scheduler.framework import result as result_mod
from services.scheduler.framework import snapshot as snap

Obj = dict[str, Any]
log = logging.getLogger("basalt.scheduler")
PENDING_REASONS = "basalt.io/pending-reasons"
RESERVED_NODES = snap.RESERVED_NODES
Capability = Callable[[str], Mapping[str, int] | None]  # queue name -> capability, None: no limit


@dataclass
class Stats:
    sessions: int = 0
    sessions_skipped: int = 0  # idle: nothing waiting, nothing owned changed (see loop._idle)
    pods_bound: int = 0
    gangs_bound: int = 0
    evictions: int = 0
    commits: int = 0
    commit_conflicts: int = 0
    last_session_seconds: float = 0.0


class Committer:
    def __init__(self, store: objects.Store, cache: view.ClusterCache, stats: Stats,
                 capability: Capability, chunk: int = 128) -> None:
        self.store = store
        self.cache = cache
        self.stats = stats
        self.capability = capability
        self.chunk = chunk

    def _plan(self) -> txn.Txn:
        """A plan whose watch events name this instance (its cache knows its own writes)."""
        return txn.Txn(origin=self.cache.origin)

    async def commit(self, decided: result_mod.SessionResult, active: frozenset[str]) -> set[str]:
        """Apply the decisions for the ``active`` groups; returns the keys of the gangs bound.

        A bound gang's PodGroup status goes in the gang's own script (one write, and a status
        that never claims a placement that lost its race); the other groups' follow."""
        await self._evict(decided.evictions)
        groups = _GroupWrites(decided)
        gangs = [g for g in decided.binds if _gang_key(g) in active]
        bound = await self._bind(gangs, groups)
        await self._annotate_groups(groups, active - {_gang_key(g) for g in decided.binds})
        return bound

    # -- evictions -------------------------------------------------------------------------------

    async def _evict(self, evictions: list[result_mod.Eviction]) -> None:
        """All of the session's victims in one script: the plan that chose them holds only if
        every one of them is still as it saw it."""
        if not evictions:
            return
        plan = self._plan()
        for victim in evictions:
            pod = self.cache.get(kinds.POD, f"{victim.namespace}/{victim.name}")
            if pod is None or meta.resource_version(pod) != victim.resource_version:
                self._refused(f"eviction of {victim.namespace}/{victim.name}", "changed since the snapshot")
                return
            mark_deleted(plan, pod)
        if await self._send([plan], "evictions") == [True]:
            self.stats.evictions += len(evictions)

    # -- binds -----------------------------------------------------------------------------------

    async def _bind(self, gangs: list[result_mod.GangBind], groups: _GroupWrites) -> set[str]:
        # Plans are built a chunk at a time: a session's thousands of gangs never hold all
        # their pods' new JSON at once (tens of MB at 100k pods).
        bound: set[str] = set()
        for start in range(0, len(gangs), self.chunk):
            batch: list[tuple[str, txn.Txn]] = []
            for gang in gangs[start:start + self.chunk]:
                plan = self._gang_plan(gang)
                if plan is not None:
                    self._put_group(plan, groups, _gang_key(gang), placed=True)
                    batch.append((_gang_key(gang), plan))
            applied = await self._send([p for _, p in batch], "gang")
            for (key, plan), ok in zip(batch, applied):
                if ok:
                    bound.add(key)
                    self.stats.gangs_bound += 1
                    self.stats.pods_bound += sum(1 for k in plan.put_kinds if k is kinds.POD)
        return bound

    def _gang_plan(self, gang: result_mod.GangBind) -> txn.Txn | None:
        plan = self._plan()
        for target in gang.pods:
            pod = self.cache.get(kinds.POD, f"{target.namespace}/{target.name}")
            if pod is None or meta.resource_version(pod) != target.resource_version:
                self._refused(f"gang {_gang_key(gang)}", "a pod changed since the snapshot")
                return None
            new = bound_pod(pod, target.node)
            plan.put(kinds.POD, new, expect=target.resource_version, old=pod)
            self._limit_queue(plan, new, target.requests)
        return plan

    def _limit_queue(self, plan: txn.Txn, pod: Obj, requests: Mapping[str, int]) -> None:
        """The queue's capability, checked in the same script as the bind (another instance may
        have filled the queue since the snapshot). ``requests`` are the bind's, already parsed."""
        queue = meta.labels(pod).get(labels.QUEUE_NAME, "")
        cap = self.capability(queue) if queue else None
        if not cap:
            return
        for res in cap:
            amount = requests.get(res, 0)
            if amount > 0:
                plan.limit(keys.queue_used(queue), keys.queue_capability(queue), res, amount)

    # -- PodGroup status, pending reasons, reservations ------------------------------------------

    async def _annotate_groups(self, groups: _GroupWrites, keys_: Iterable[str]) -> None:
        plans: list[txn.Txn] = []
        for key in sorted(keys_):
            plan = self._plan()
            if self._put_group(plan, groups, key, placed=False):
                plans.append(plan)
        for start in range(0, len(plans), self.chunk):
            await self._send(plans[start:start + self.chunk], "podgroup")

    def _put_group(self, plan: txn.Txn, groups: _GroupWrites, key: str, *, placed: bool) -> bool:
        group = self.cache.get(kinds.PODGROUP, key)
        changed = groups.desired(group, key, placed) if group is not None else None
        if group is None or changed is None:
            return False
        plan.put(kinds.PODGROUP, changed, expect=meta.resource_version(group))
        return True

    # -- sending ---------------------------------------------------------------------------------

    async def _send(self, plans: list[txn.Txn], what: str) -> list[bool]:
        if not plans:
            return []
        self.stats.commits += len(plans)
        refusals = await self.store.commit_many(plans)
        for plan, refusal in zip(plans, refusals):
            if refusal is None:
                for kind, obj, put in zip(plan.put_kinds, plan.objects, plan.puts):
                    if obj is not None:
                        self.cache.note(kind, obj, deleted=bool(put["del"]))
            else:
                self._refused(what, refusal.message)
        return [r is None for r in refusals]

    def _refused(self, what: str, why: str) -> None:
        self.stats.commit_conflicts += 1
        log.info("%s not committed (%s); re-planning next session", what, why)


class _GroupWrites:
    """What a session wants written on each PodGroup: status, pending reasons, reserved nodes."""

    def __init__(self, decided: result_mod.SessionResult) -> None:
        self.updates = {f"{u.namespace}/{u.name}": u for u in decided.podgroup_updates}
        self.reserved = {f"{r.podgroup_namespace}/{r.podgroup_name}": r for r in decided.reservations}
        self.reasons = decided.reasons

    def desired(self, group: Obj, key: str, placed: bool) -> Obj | None:
        reason = None if placed else self.reasons.get(key)
        return desired_group(group, self.updates.get(key), reason, self.reserved.get(key))


def _gang_key(gang: result_mod.GangBind) -> str:
    return f"{gang.podgroup_namespace}/{gang.podgroup_name}"


def bound_pod(pod: Obj, node: str) -> Obj:
    """The pod as the bind writes it: on ``node``, with the PodScheduled condition."""
    out = {**pod, "spec": {**(pod.get("spec") or {}), "nodeName": node}}
    status = dict(pod.get("status") or {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
    conditions.append({"type": "PodScheduled", "status": "True", "lastTransitionTime": objects.now_iso()})
    status["conditions"] = conditions
    out["status"] = status
    out["metadata"] = dict(pod.get("metadata") or {})
    return out


def mark_deleted(plan: txn.Txn, pod: Obj) -> None:
    """Delete a victim the Kubernetes way: a pod that holds resources gets a deletionTimestamp (its
    agent stops it, then it is removed and its resources released); one that holds nothing goes."""
    rv = meta.resource_version(pod)
    if accounting.hold(pod) is None:
        plan.delete(kinds.POD, pod, expect=rv)
        return
    doomed = copy.deepcopy(pod)
    meta.metadata(doomed).setdefault("deletionTimestamp", objects.now_iso())
    plan.put(kinds.POD, doomed, expect=rv, old=pod)


def desired_group(group: Obj, update: result_mod.PodGroupUpdate | None, reason: result_mod.PendingReason | None,
                  reservation: result_mod.Reservation | None) -> Obj | None:
    """The PodGroup with the session's status, reasons and reservation; None when nothing changes.

    Compared field by field before copying: most groups change nothing in most sessions."""
    status = dict(group.get("status") or {})
    if update is not None:
        status.update(phase=update.phase, conditions=update.conditions, running=update.running,
                      succeeded=update.succeeded, failed=update.failed)
    notes = dict(meta.metadata(group).get("annotations") or {})
    _set(notes, PENDING_REASONS, reasons_json(reason) if reason is not None else None)
    _set(notes, RESERVED_NODES, ",".join(reservation.nodes) if reservation is not None else None)
    if status == (group.get("status") or {}) and notes == (meta.metadata(group).get("annotations") or {}):
        return None
    md = dict(meta.metadata(group))
    if notes or "annotations" in md:
        md["annotations"] = notes
    return {**group, "metadata": md, "status": status}


def reasons_json(reason: result_mod.PendingReason) -> str:
    return json.dumps([{"stage": reason.stage, "message": reason.message,
                        "failing_nodes": dict(reason.failing_nodes), "nodes_checked": reason.nodes_checked}],
                      separators=(",", ":"), sort_keys=True)


def _set(notes: dict[str, str], key: str, value: str | None) -> None:
    if value is None:
        notes.pop(key, None)
    else:
        notes[key] = value
