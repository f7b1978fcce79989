"""A scheduling session: mutable state opened on a snapshot, shared by actions and plugins.

Volcano's framework.Session: jobs, queues and nodes copied from the snapshot, the plugins' hooks
(``ssn.hooks``), and the primitives statements and actions use to move tasks (place, unplace,
dispatch). ``close`` turns the session's state into a ``SessionResult``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from services.scheduler.framework import hooks, jobs, node_holds, nodes, registry, result, snapshot

if TYPE_CHECKING:
    from services.scheduler import conf as conf_mod


class Session:
    def __init__(self, snap: snapshot.Snapshot, conf: conf_mod.SchedulerConf, now: float) -> None:
        self.snapshot = snap
        self.conf = conf
        self.now = now
        self.nodes: nodes.NodeMatrix = snap.node_matrix()
        self.dims = snap.dims
        self.queues: dict[str, snapshot.QueueRecord] = {q.name: q for q in snap.queues}
        self.jobs: dict[str, jobs.JobInfo] = _jobs(snap)
        # Phase and (running, succeeded, failed) as stored, to write only what changes.
        self.stored_status: dict[str, tuple[str, tuple[int, ...]]] = {
            g.uid: (g.phase, g.counts) for g in snap.podgroups
        }
        self.hooks = hooks.HookSet(tiers=conf.tiers)
        self.total_resource: dict[str, int] = self.nodes.total()
        # Why a job was held back before placement: job uid -> (stage, message).
        self.notes: dict[str, tuple[str, str]] = {}
        # Tasks that found a node this session but were rolled back with their gang.
        self.schedulable: set[str] = set()
        self.dispatched: list[jobs.TaskInfo] = []
        self.evictions: list[result.Eviction] = []
        # Conditions plugins set at close (job uid -> conditions by type).
        self.conditions: dict[str, dict[str, dict[str, Any]]] = {}
        self.plugins: list[registry.Plugin] = []
        # Nodes held for waiting gangs (the reservation action); empty unless it runs.
        self.holds = node_holds.NodeHolds(len(self.nodes), len(self.dims))
        # Where the next task's scan of feasible nodes starts (placement.sample).
        self.next_node = 0

    # -- lifecycle -------------------------------------------------------------------------------

    def open_plugins(self) -> None:
        registry.ensure_loaded()
        for tier in self.conf.tiers:
            for option in tier.plugins:
                plugin = registry.PLUGINS[option.name].build(option.arguments)
                plugin.on_session_open(self)
                self.plugins.append(plugin)

    def close_plugins(self) -> None:
        for plugin in self.plugins:
            plugin.on_session_close(self)

    def action_arguments(self, action: str) -> Mapping[str, Any]:
        return self.conf.action_arguments(action)

    # -- moving tasks ----------------------------------------------------------------------------

    def job_of(self, task: jobs.TaskInfo) -> jobs.JobInfo:
        return self.jobs[task.job]

    def place(self, task: jobs.TaskInfo, node: int, status: jobs.TaskStatus) -> None:
        if status is jobs.TaskStatus.PIPELINED:
            self.nodes.pipeline(node, task.vector)
        else:
            self.nodes.allocate(node, task.vector)
        task.node = self.nodes.names[node]
        self.job_of(task).set_status(task, status)
        self.hooks.fire_allocate(task)

    def unplace(self, task: jobs.TaskInfo, node: int) -> None:
        if task.status is jobs.TaskStatus.PIPELINED:
            self.nodes.unpipeline(node, task.vector)
        else:
            self.nodes.deallocate(node, task.vector)
        task.node = ""
        self.job_of(task).set_status(task, jobs.TaskStatus.PENDING)
        self.schedulable.add(task.uid)
        self.hooks.fire_deallocate(task)

    def evict(self, task: jobs.TaskInfo) -> None:
        """Mark a running task as releasing (its resources become future idle)."""
        self.nodes.release(self.nodes.index[task.node], task.vector)
        self.job_of(task).set_status(task, jobs.TaskStatus.RELEASING)
        self.hooks.fire_deallocate(task)

    def unevict(self, task: jobs.TaskInfo, status: jobs.TaskStatus) -> None:
        self.nodes.unrelease(self.nodes.index[task.node], task.vector)
        self.job_of(task).set_status(task, status)
        self.hooks.fire_allocate(task)

    def dispatch(self, task: jobs.TaskInfo) -> None:
        """Hand an allocated task to the binder (it stays counted on its node)."""
        self.job_of(task).set_status(task, jobs.TaskStatus.BINDING)
        self.dispatched.append(task)

    def allocate(self, task: jobs.TaskInfo, node: int) -> None:
        """Allocate outside a statement (backfill); dispatch the job's tasks once it is ready."""
        self.place(task, node, jobs.TaskStatus.ALLOCATED)
        job = self.job_of(task)
        if self.hooks.job_ready(job):
            for allocated in sorted(job.with_status(jobs.TaskStatus.ALLOCATED), key=lambda t: t.uid):
                self.dispatch(allocated)

    def note(self, job: jobs.JobInfo, stage: str, message: str) -> None:
        """Record why a job was held back before placement (shown by the Explain API and, as
        Volcano's JobFitErrors, as the origin reason in the gang's Unschedulable message)."""
        self.notes[job.uid] = (stage, message)
        job.job_fit_error = message

    def set_condition(self, job: jobs.JobInfo, condition: dict[str, Any]) -> None:
        self.conditions.setdefault(job.uid, {})[str(condition["type"])] = condition


def _jobs(snap: snapshot.Snapshot) -> dict[str, jobs.JobInfo]:
    out: dict[str, jobs.JobInfo] = {}
    for group in snap.podgroups:
        out[group.uid] = jobs.JobInfo(
            uid=group.uid,
            namespace=group.namespace,
            name=group.name,
            queue=group.queue,
            min_member=group.min_member,
            min_resources=dict(group.min_resources) if group.min_resources is not None else None,
            priority=group.priority,
            phase=group.phase,
            creation=group.creation,
            resource_version=group.resource_version,
            conditions=[dict(c) for c in group.conditions],
            task_min_available=dict(group.min_task_member),
            sla_waiting_seconds=group.sla_waiting_seconds,
        )
    demands: dict[tuple[tuple[str, int], ...], jobs.Demand] = {}  # by requests: a job's pods share one
    for pod in snap.pods:
        job = out.get(pod.group)
        if job is None:
            continue  # pods outside any PodGroup only count on their node
        key = tuple(pod.requests.items())
        found = demands.get(key)
        if found is None:
            found = demands[key] = jobs.demand(pod.requests, snap.dims.vector(pod.requests))
        job.add_task(
            jobs.TaskInfo(
                uid=pod.uid,
                namespace=pod.namespace,
                name=pod.name,
                job=job.uid,
                role=pod.role,
                requests=pod.requests,
                demand=found,
                priority=pod.priority,
                creation=pod.creation,
                resource_version=pod.resource_version,
                pod=pod.pod,
                status=pod.status,
                node=pod.node,
                preemptable=pod.preemptable,
            )
        )
    return out
