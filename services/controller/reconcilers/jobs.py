"""The job reconciler: Job -> PodGroup -> Pods, and Job status from its pods.

Informers keep local caches of jobs, pods and podgroups; every change queues the owning job's key.
Pod changes are turned into Volcano events and, through the job's policies, into actions
(RestartJob, AbortJob, ...), queued per job. A reconcile applies one action through the pure
phase machine and carries out its transition: PodGroup, pod creation and deletion, status (CAS).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from basalt import errors
from basalt.api import kinds, labels, meta
from basalt.store import informer, objects
from services.controller import workqueue
from services.controller.materialize import naming, objects as objfields, podgroup as pg_builder
from services.controller.reconcilers import podops
from services.controller.state import bus, events, machine, phases, policy

Obj = dict[str, Any]
log = logging.getLogger("basalt.controller.jobs")


@dataclass(frozen=True)
class Request:
    action: bus.Action
    target: machine.Target | None = None


class JobReconciler:
    def __init__(self, store: objects.Store, *, workers: int = 4) -> None:
        self.store = store
        self.workers = workers
        self.queue = workqueue.WorkQueue()
        self.jobs = informer.Informer(store, kinds.JOB, self._on_job)
        self.pods = informer.Informer(store, kinds.POD, self._on_pod)
        self.groups = informer.Informer(store, kinds.PODGROUP, self._on_group)
        self.classes = informer.Informer(store, kinds.PRIORITY_CLASS)
        self.pods_of: dict[str, set[str]] = defaultdict(set)  # job key -> pod keys
        self.requests: dict[str, deque[Request]] = defaultdict(deque)
        self.deleted: dict[str, Obj] = {}  # job key -> last seen job, for cleanup after deletion

    def informers(self) -> list[informer.Informer]:
        return [self.jobs, self.pods, self.groups, self.classes]

    # --- event handlers (synchronous, cheap: they only queue work) ---

    def _on_job(self, kind: str, job: Obj, old: Obj | None) -> None:
        if kind == "DELETED":
            self.deleted[meta.key(job)] = job
        elif kind == "MODIFIED" and not events.job_update_needs_sync(old, job):
            return  # a status-only write (usually our own): re-syncing it could loop forever
        self.queue.add(meta.key(job))

    def _on_group(self, kind: str, group: Obj, old: Obj | None) -> None:
        if kind == "MODIFIED" and not events.podgroup_update_needs_sync(old, group):
            return
        for ref in meta.metadata(group).get("ownerReferences") or []:
            if ref.get("kind") == kinds.JOB.kind:
                self.queue.add(f"{meta.namespace(group)}/{ref.get('name')}")

    def _on_pod(self, kind: str, pod: Obj, old: Obj | None) -> None:
        ref = meta.controller_ref(pod)
        if ref is None or ref.get("kind") != kinds.JOB.kind:
            return  # Volcano's addPod: only pods a Job controls are the job controller's business
        job_name = str(ref.get("name") or "")
        job_key = f"{meta.namespace(pod)}/{job_name}"
        if kind == "DELETED":
            self.pods_of[job_key].discard(meta.key(pod))
        else:
            self.pods_of[job_key].add(meta.key(pod))
        job = self.jobs.get(meta.namespace(pod), job_name)
        if job is not None and kind != "SYNC" and meta.owner_uid(pod) == meta.uid(job):
            self._apply_policies(job_key, job, old, None if kind == "DELETED" else pod)
        self.queue.add(job_key)

    def _apply_policies(self, job_key: str, job: Obj, old: Obj | None, new: Obj | None) -> None:
        current = new if new is not None else old
        assert current is not None
        if new is not None and old is None:
            return  # a pod the controller just created: nothing happened to it yet
        task = labels_task(current)
        task_pods = [p for p in self._job_pods(job) if labels_task(p) == task]
        ev = events.pod_event(old, new, job, task_pods)
        decision = policy.policy_action(job, ev.task, ev.event, ev.exit_code, request_version=ev.job_version)
        if decision.action is bus.Action.SYNC_JOB:
            return
        request = Request(decision.action, machine.Target(task=ev.task, pod=ev.pod))
        if decision.delay:
            asyncio.get_running_loop().call_later(decision.delay.total_seconds(), self._request, job_key, request)
        else:
            self._request(job_key, request)

    def _request(self, job_key: str, request: Request) -> None:
        self.requests[job_key].append(request)
        self.queue.add(job_key)

    def resync(self) -> None:
        """Queue every job that is still moving; finished and aborted jobs wait for a change."""
        for job in self.jobs.items():
            if phases.parse(_phase(job)) not in SETTLED:
                self.queue.add(meta.key(job))

    def request_action(self, job_key: str, action: bus.Action) -> None:
        """Queue a job-wide action (from a Command: suspend, resume, restart...)."""
        self._request(job_key, Request(action))

    # --- workers ---

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(self._worker(stop) for _ in range(self.workers)))

    async def _worker(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            key = await self.queue.get()
            try:
                await self.reconcile(key)
            except errors.Conflict:
                self.queue.add_after(key, 0.05)  # lost a CAS race: re-read and retry
            except Exception:  # noqa: BLE001 - one bad job must not stop the controller
                log.exception("reconcile of job %s failed; retrying", key)
                self.queue.add_after(key, 1.0)
            finally:
                self.queue.done(key)

    def _job_pods(self, job: Obj) -> list[Obj]:
        found = []
        for key in list(self.pods_of.get(meta.key(job), ())):
            pod = self.pods.cache.get(key)
            if pod is not None and meta.owner_uid(pod) == meta.uid(job):
                found.append(pod)
        return found

    async def reconcile(self, key: str) -> None:
        ns, _, name = key.partition("/")
        job = self.jobs.get(ns, name)
        if job is None:
            await self._clean_up(key)
            return
        await self._remove_strays(job)
        pending = self.requests.get(key)
        request = pending.popleft() if pending else Request(bus.Action.SYNC_JOB)
        pods = self._job_pods(job)
        group = self.groups.get(ns, naming.podgroup_name(job))
        now = dt.datetime.now(dt.timezone.utc)
        transition = machine.apply_action(job, request.action, pods, group, now=now, target=request.target)
        await self._carry_out(job, transition, {meta.name(p): p for p in pods}, group)
        if pending:
            self.queue.add(key)

    async def _carry_out(self, job: Obj, t: machine.Transition, pods: dict[str, Obj], group: Obj | None) -> None:
        if t.delete_podgroup and group is not None:
            await _ignore_missing(self.store.delete(kinds.PODGROUP, group))
        elif t.ensure_podgroup:
            await self._ensure_podgroup(job, group)
        for name in t.kill_pods:
            if name in pods:
                await podops.delete_pod(self.store, pods[name])
        for pod in t.create_pods:
            try:
                await self.store.create(kinds.POD, pod)
            except errors.AlreadyExists:
                pass  # the previous version's pod is still going away; its deletion re-queues us
        if t.changed:
            updated = {**job, "status": t.status}
            await self.store.update(kinds.JOB, updated)
            if phases.parse(_phase(job)) != t.phase:
                log.info("job %s: %s", meta.key(job), t.phase)

    async def _ensure_podgroup(self, job: Obj, group: Obj | None) -> None:
        priorities = {meta.name(c): int(c.get("value") or 0) for c in self.classes.items()}
        if group is None:
            try:
                await self.store.create(kinds.PODGROUP, pg_builder.build_podgroup(job, priorities))
            except errors.AlreadyExists:
                pass
            return
        updated = pg_builder.updated_podgroup(group, job, priorities)
        if updated is not None:
            await self.store.update(kinds.PODGROUP, updated)

    async def _remove_strays(self, job: Obj) -> None:
        """Pods and podgroups named for this job but owned by an earlier job of the same name."""
        for key in list(self.pods_of.get(meta.key(job), ())):
            pod = self.pods.cache.get(key)
            if pod is not None and meta.owner_uid(pod) not in ("", meta.uid(job)):
                await podops.delete_pod(self.store, pod)

    async def _clean_up(self, key: str) -> None:
        """The job is gone: delete its pods and its PodGroup."""
        last = self.deleted.pop(key, None)
        for pod_key in list(self.pods_of.get(key, ())):
            pod = self.pods.cache.get(pod_key)
            if pod is not None:
                await podops.delete_pod(self.store, pod)
        if last is not None:
            group = self.groups.get(meta.namespace(last), naming.podgroup_name(last))
            if group is not None:
                await _ignore_missing(self.store.delete(kinds.PODGROUP, group))
        if not self.pods_of.get(key):
            self.pods_of.pop(key, None)
            self.requests.pop(key, None)


SETTLED = frozenset({phases.JobPhase.COMPLETED, phases.JobPhase.FAILED, phases.JobPhase.TERMINATED,
                     phases.JobPhase.ABORTED})


def _phase(job: Obj) -> str:
    return str(((job.get("status") or {}).get("state") or {}).get("phase") or "Pending")


def labels_task(pod: Obj) -> str:
    return objfields.annotations_of(pod).get(labels.TASK_SPEC) or meta.labels(pod).get(labels.TASK_SPEC, "")


async def _ignore_missing(op: Any) -> None:
    try:
        await op
    except errors.NotFound:
        pass
