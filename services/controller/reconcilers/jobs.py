"""The job reconciler: Job -> PodGroup -> Pods, and Job status from its pods.

Informers keep local caches of jobs, pods and podgroups; every change queues the owning job's key.
Pod changes are turned into Volcano events and, through the job's policies, into actions
(RestartJob, AbortJob, ...), queued per job. A reconcile applies one action through the pure
phase machine and carries out its transition: PodGroup, pod creation and deletion, status (CAS).

Policies with a ``timeout`` go into the job's book of delayed actions (``state.delays``): a timer
re-queues the job when the earliest is due, and a pod that recovers first cancels it. A job whose
reconcile keeps failing is terminated after ``max_requeues`` attempts, as Volcano's
``maxRequeueNum`` does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict, deque
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from basalt import errors
from basalt.api import kinds, labels, meta
from basalt.store import informer, objects
from services.controller import workqueue
from services.controller.materialize import jobspec, naming, objects as objfields, podgroup as pg_builder
from services.controller.materialize.plugins import ssh, svc
from services.controller.reconcilers import keygen, podops
from services.controller.state import bus, delays, events, machine, phases, policy, table

Obj = dict[str, Any]
log = logging.getLogger("basalt.controller.jobs")
# Volcano's default --max-requeue-num: failed reconciles of one job before it is terminated.
MAX_REQUEUES = 15


@dataclass(frozen=True)
class Request:
    action: bus.Action
    target: machine.Target | None = None
    version: int = -1  # the job's status.version when the event happened; -1: unknown (always current)


def everyone(key: str) -> bool:
    return True


class JobReconciler:
    def __init__(self, store: objects.Store, *, workers: int = 4, max_requeues: int = MAX_REQUEUES) -> None:
        self.store = store
        self.workers = workers
        self.max_requeues = max_requeues
        self.failures: dict[str, int] = defaultdict(int)
        self.books: dict[str, delays.Book] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.queue = workqueue.WorkQueue()
        self.jobs = informer.Informer(store, kinds.JOB, self._on_job)
        self.pods = informer.Informer(store, kinds.POD, self._on_pod)
        self.groups = informer.Informer(store, kinds.PODGROUP, self._on_group)
        self.classes = informer.Informer(store, kinds.PRIORITY_CLASS)
        self.pods_of: dict[str, set[str]] = defaultdict(set)  # job key -> pod keys
        self.requests: dict[str, deque[Request]] = defaultdict(deque)
        self.deleted: dict[str, Obj] = {}  # job key -> last seen job, for cleanup after deletion
        # Active-active: every instance watches everything, but only the ring's owner of a job
        # reconciles it. Non-owners keep the job's requests (stamped with its version) so that
        # a takeover acts on events the old owner may not have handled; stale ones are dropped.
        self.owns: Callable[[str], bool] = everyone

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
            if ref.get("kind") != kinds.JOB.kind:
                continue
            job_key = f"{meta.namespace(group)}/{ref.get('name')}"
            job = self.jobs.get(meta.namespace(group), str(ref.get("name") or ""))
            event = events.podgroup_event(group) if kind == "MODIFIED" else None
            if event is not None and job is not None and meta.uid(job) == ref.get("uid"):
                # updatePodGroup: an Unknown group raises the job's Unknown event for its policies.
                self._decide(job_key, job, policy.policy_action(job, "", event), None, "")
            self.queue.add(job_key)

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
        book = self.books.get(job_key, {})
        if book:
            self.books[job_key] = delays.cancel_on_pod_event(book, ev.event, ev.pod, meta.uid(current))
            self._arm(job_key)
        decision = policy.policy_action(job, ev.task, ev.event, ev.exit_code, request_version=ev.job_version)
        target = machine.Target(task=ev.task, pod=ev.pod, partition=ev.partition)
        self._decide(job_key, job, decision, target, meta.uid(current), ev.event)

    def _decide(self, job_key: str, job: Obj, decision: policy.Decision, target: machine.Target | None,
                pod_uid: str, event: bus.Event = bus.Event.JOB_UNKNOWN) -> None:
        """Queue the policy's action now, or book it for later when the policy has a timeout."""
        if decision.action is bus.Action.SYNC_JOB:
            return
        if not decision.delay:
            self._request(job_key, Request(decision.action, target))
            return
        due = dt.datetime.now(dt.timezone.utc) + decision.delay
        entry = delays.Delayed(decision.action, event, due, task=target.task if target else "",
                               pod=target.pod if target else "", pod_uid=pod_uid,
                               partition=target.partition if target else "")
        self.books[job_key] = delays.add(self.books.get(job_key, {}), entry)
        self._arm(job_key)

    def _arm(self, job_key: str) -> None:
        """One timer per job, at its earliest delayed action."""
        old = self.timers.pop(job_key, None)
        if old is not None:
            old.cancel()
        when = delays.next_due(self.books.get(job_key, {}))
        if when is None:
            return
        wait = max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())
        self.timers[job_key] = asyncio.get_running_loop().call_later(wait, self.queue.add, job_key)

    def _take_due(self, key: str, now: dt.datetime) -> None:
        """Move the job's delayed actions whose time has come into its requests."""
        book = self.books.get(key)
        if not book:
            return
        ready = delays.due(book, now)
        if not ready:
            return
        self.books[key] = {name: d for name, d in book.items() if d not in ready}
        for entry in ready:
            self._request(key, Request(entry.action, entry.target))
        self._arm(key)

    def _request(self, job_key: str, request: Request) -> None:
        ns, _, name = job_key.partition("/")
        job = self.jobs.get(ns, name)
        if request.version < 0 and job is not None:
            request = dataclasses.replace(request, version=jobspec.version(job))
        self.requests[job_key].append(request)
        self.queue.add(job_key)

    def resync_all(self) -> None:
        """After the ring changed: every job this instance may now own gets a look."""
        for job in self.jobs.items():
            self.queue.add(meta.key(job))

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
                if not self.owns(key):
                    continue  # another instance's job (the finally below marks it done)
                await self.reconcile(key)
                self.failures.pop(key, None)
            except errors.Conflict:
                self.queue.add_after(key, 0.05)  # lost a CAS race: re-read and retry
            except Exception:  # noqa: BLE001 - one bad job must not stop the controller
                log.exception("reconcile of job %s failed; retrying", key)
                self._failed(key)
            finally:
                self.queue.done(key)

    def _failed(self, key: str) -> None:
        """processNextReq: requeue with backoff; past the limit, terminate the job instead."""
        self.failures[key] += 1
        attempts = self.failures[key]
        if self.max_requeues >= 0 and attempts >= self.max_requeues:
            log.warning("job %s: retry limit reached after %d failed reconciles; terminating it", key, attempts)
            self.failures.pop(key, None)
            self.requests[key].clear()
            self._request(key, Request(bus.Action.TERMINATE_JOB))
            return
        self.queue.add_after(key, min(0.05 * 2 ** attempts, 5.0))

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
        # The informer may lag behind the store (our own last write, another instance's): a
        # stale job would be acted on as it was, e.g. a sync recreating the pods an abort just
        # killed. Pod creation is not guarded by the job's version, so read the job fresh.
        job = await self.store.get(kinds.JOB, ns, name)
        if job is None:
            return  # deleted: its watch event cleans up
        await self._remove_strays(job)
        now = dt.datetime.now(dt.timezone.utc)
        self._take_due(key, now)
        pending = self.requests.get(key)
        if request_is_sync(pending) and ssh.needs_keypair(job):
            # ssh's OnJobAdd, before a sync builds any pod; kills never build pods, so a job
            # whose pair cannot be made can still be aborted or terminated.
            await self._add_keypair(job)
            self.queue.add(key)
            return
        _drop_stale(pending, jobspec.version(job))
        request = pending.popleft() if pending else Request(bus.Action.SYNC_JOB)
        if request.action in bus.TARGETED_ACTIONS and request.target is None:
            request = Request(bus.Action.SYNC_JOB)  # a targeted restart needs its pod
        pods = self._job_pods(job)
        group = self.groups.get(ns, naming.podgroup_name(job))
        transition = machine.apply_action(job, request.action, pods, group, now=now, target=request.target)
        try:
            await self._carry_out(job, transition, {meta.name(p): p for p in pods}, group)
        except Exception:
            if request.action is not bus.Action.SYNC_JOB:
                self.requests[key].appendleft(request)  # not done: retried with the job (AddRateLimited)
            raise
        if request.action not in bus.INTERNAL_ACTIONS and key in self.books:
            target = request.target or machine.Target("")
            self.books[key] = delays.cancel_after(self.books[key], request.action, target.task, target.pod,
                                                  target.partition)
            self._arm(key)
        if transition.mode is table.Mode.SYNC:
            await self._refresh_hosts(job, pods)
        if pending:
            self.queue.add(key)

    async def _add_keypair(self, job: Obj) -> None:
        private, public = await keygen.rsa_keypair()
        updated = {**job, "metadata": {**meta.metadata(job)}}
        annotations = dict(meta.annotations_of(job))
        annotations[ssh.KEYPAIR_ANNOTATION] = ssh.keypair_annotation(private, public)
        updated["metadata"]["annotations"] = annotations
        await self.store.update(kinds.JOB, updated)

    async def _refresh_hosts(self, job: Obj, pods: list[Obj]) -> None:
        """svc's OnJobUpdate: the host files of live pods follow the job's replicas."""
        if "svc" not in jobspec.plugins(job):
            return
        for pod in pods:
            if objfields.is_terminating(pod):
                continue
            refreshed = svc.refreshed_hosts(pod, job)
            if refreshed is not None:
                try:
                    await self.store.update(kinds.POD, refreshed, old=pod)
                except (errors.Conflict, errors.NotFound):
                    self.queue.add_after(meta.key(job), 0.05)  # the pod moved on: try again

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
        self.books.pop(key, None)
        self.failures.pop(key, None)
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.cancel()


SETTLED = frozenset({phases.JobPhase.COMPLETED, phases.JobPhase.FAILED, phases.JobPhase.TERMINATED,
                     phases.JobPhase.ABORTED})


def request_is_sync(pending: deque[Request] | None) -> bool:
    return not pending or pending[0].action is bus.Action.SYNC_JOB


def _phase(job: Obj) -> str:
    return str(((job.get("status") or {}).get("state") or {}).get("phase") or "Pending")


def _drop_stale(pending: deque[Request] | None, version: int) -> None:
    """Requests raised against an older version of the job were acted upon by a restart since."""
    while pending and 0 <= pending[0].version < version:
        pending.popleft()


def labels_task(pod: Obj) -> str:
    return objfields.annotations_of(pod).get(labels.TASK_SPEC) or meta.labels(pod).get(labels.TASK_SPEC, "")


async def _ignore_missing(op: Any) -> None:
    try:
        await op
    except errors.NotFound:
        pass
