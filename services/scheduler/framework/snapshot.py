"""A snapshot of the cluster built from Kubernetes-shaped dicts: the only input of a session.

The snapshot is immutable; each session copies what it mutates, so running two sessions on one
snapshot gives the same decisions. Node accounting follows the brief: a node's used resources
are the requests of the pods bound to it that have not finished (phase not Succeeded/Failed).
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from basalt.api import labels, meta, quantity, resources
from services.scheduler.framework import dimensions, durations, jobs, pod_terms
from services.scheduler.framework import nodes as node_matrix

_FINISHED = ("Succeeded", "Failed")

# Annotations the I/O side reads and writes. RESERVED_NODES is Basalt's own: the reservation
# action's held nodes for a waiting gang, comma-separated, written back from SessionResult.
RESERVED_NODES = "basalt.io/reserved-nodes"
SLA_WAITING_TIME = "sla-waiting-time"  # Volcano's per-job annotation (plugins/sla)
HIERARCHY = "volcano.sh/hierarchy"  # queue path for hierarchical drf
HIERARCHY_WEIGHTS = "volcano.sh/hierarchy-weights"
ROOT_QUEUE = "root"
_POD_STATUS = {
    "Running": jobs.TaskStatus.RUNNING,
    "Succeeded": jobs.TaskStatus.SUCCEEDED,
    "Failed": jobs.TaskStatus.FAILED,
    "Unknown": jobs.TaskStatus.UNKNOWN,
}


@dataclass(frozen=True)
class PodRecord:
    uid: str
    namespace: str
    name: str
    group: str  # "namespace/podgroup" or "" when the pod belongs to no PodGroup
    role: str
    node: str
    status: jobs.TaskStatus
    requests: Mapping[str, int]
    priority: int
    creation: str
    resource_version: int
    pod: Mapping[str, Any]
    # volcano.sh/preemptable (annotation, else label); unset means preemptable, as in Volcano.
    preemptable: bool = True
    # What the spec asks of other pods, read once per record: a session indexes placed pods for
    # these predicates only when some pod uses them.
    host_ports: bool = False
    pod_terms: bool = False  # required pod (anti-)affinity
    preferred_terms: bool = False  # preferred pod (anti-)affinity


@dataclass(frozen=True)
class PodGroupRecord:
    uid: str
    namespace: str
    name: str
    queue: str
    min_member: int
    min_resources: Mapping[str, int] | None
    min_task_member: Mapping[str, int]
    priority: int
    phase: str
    conditions: Sequence[Mapping[str, Any]]
    counts: tuple[int, int, int]  # status.running, status.succeeded, status.failed as stored
    creation: str
    resource_version: int
    # Nodes held for this gang by the reservation action (annotation RESERVED_NODES), in order.
    reserved_nodes: tuple[str, ...] = ()
    # The PodGroup's ``sla-waiting-time`` annotation in seconds (sla plugin), None when unset.
    sla_waiting_seconds: float | None = None


@dataclass(frozen=True)
class QueueRecord:
    name: str
    weight: int
    capability: Mapping[str, int] | None
    guarantee: Mapping[str, int]
    state: str
    priority: int
    creation: str
    deserved: Mapping[str, int] | None = None  # spec.deserved (capacity plugin)
    reclaimable: bool = True  # spec.reclaimable: false keeps other queues from reclaiming
    parent: str = ""  # spec.parent (hierarchical queues), "" for children of root
    hierarchy: str = ""  # volcano.sh/hierarchy annotation ("root/eng/dev"), hierarchical drf
    hierarchy_weights: str = ""  # volcano.sh/hierarchy-weights annotation ("1/2/8")


@dataclass(frozen=True)
class Snapshot:
    dims: dimensions.Dimensions
    node_specs: tuple[node_matrix.NodeSpec, ...]
    allocatable: jobs.Vector
    used: jobs.Vector
    releasing: jobs.Vector
    pod_counts: jobs.Vector
    max_pods: jobs.Vector
    pods: tuple[PodRecord, ...]
    podgroups: tuple[PodGroupRecord, ...]
    queues: tuple[QueueRecord, ...]
    priority_classes: Mapping[str, int] = field(default_factory=dict)

    def node_matrix(self) -> node_matrix.NodeMatrix:
        """A fresh, mutable copy of the node accounting for one session."""
        return node_matrix.NodeMatrix(
            self.dims,
            self.node_specs,
            self.allocatable.copy(),
            self.used.copy(),
            self.releasing.copy(),
            self.pod_counts.copy(),
            self.max_pods.copy(),
        )


def build_snapshot(
    nodes: Iterable[meta.Obj],
    pods: Iterable[meta.Obj],
    podgroups: Iterable[meta.Obj],
    queues: Iterable[meta.Obj],
    priority_classes: Iterable[meta.Obj] = (),
) -> Snapshot:
    node_objs = sorted((n for n in nodes if _node_ready(n)), key=meta.name)
    node_alloc = [_allocatable(n) for n in node_objs]
    classes = _priority_classes(priority_classes)
    pod_records = tuple(sorted(filter(None, (_pod_record(p, classes) for p in pods)), key=lambda r: r.uid))
    names = {r for a in node_alloc for r in a} | {r for p in pod_records for r in p.requests}
    dims = dimensions.Dimensions(names)
    allocatable = np.array([dims.vector(a) for a in node_alloc], dtype=np.int64).reshape(-1, len(dims))
    used, releasing, counts = _node_usage(dims, [meta.name(n) for n in node_objs], pod_records)
    return Snapshot(
        dims=dims,
        node_specs=tuple(_node_spec(n) for n in node_objs),
        allocatable=allocatable,
        used=used,
        releasing=releasing,
        pod_counts=counts,
        max_pods=np.array([_max_pods(a) for a in node_alloc], dtype=np.int64),
        pods=pod_records,
        podgroups=tuple(sorted((_podgroup_record(g, classes) for g in podgroups), key=lambda r: r.uid)),
        queues=tuple(sorted((_queue_record(q) for q in queues), key=lambda r: r.name)),
        priority_classes=classes.values,
    )


@dataclass(frozen=True)
class _Classes:
    values: Mapping[str, int]
    default: int

    def lookup(self, name: str) -> int:
        return self.values.get(name, self.default) if name else self.default


def _priority_classes(objs: Iterable[meta.Obj]) -> _Classes:
    values: dict[str, int] = {}
    default = 0
    for obj in objs:
        values[meta.name(obj)] = int(obj.get("value") or 0)
        if obj.get("globalDefault"):
            default = int(obj.get("value") or 0)
    return _Classes(values, default)


def _node_ready(node: meta.Obj) -> bool:
    # Volcano leaves NotReady nodes out of the session; a node without conditions is trusted.
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True")
    return True


def _annotations(obj: meta.Obj) -> dict[str, str]:
    # Not meta.annotations: that name collides with ``from __future__ import annotations`` in
    # basalt/api/meta.py, which mypy then refuses to call.
    found = (obj.get("metadata") or {}).get("annotations") or {}
    return {str(k): str(v) for k, v in found.items()}


def _allocatable(node: meta.Obj) -> dict[str, int]:
    status = node.get("status") or {}
    spec = status.get("allocatable") or status.get("capacity") or {}
    return _quantities(spec) or {}


def _max_pods(allocatable: Mapping[str, int]) -> int:
    pods = allocatable.get(resources.PODS)
    return node_matrix.UNLIMITED_PODS if pods is None else pods // 1000


def _node_spec(node: meta.Obj) -> node_matrix.NodeSpec:
    spec = node.get("spec") or {}
    return node_matrix.NodeSpec(
        name=meta.name(node),
        labels=dict(meta.labels(node)),
        taints=tuple(spec.get("taints") or ()),
        unschedulable=bool(spec.get("unschedulable")),
    )


def _node_usage(
    dims: dimensions.Dimensions, names: list[str], pods: Sequence[PodRecord]
) -> tuple[jobs.Vector, jobs.Vector, jobs.Vector]:
    index = {name: i for i, name in enumerate(names)}
    used = np.zeros((len(names), len(dims)), dtype=np.int64)
    releasing = np.zeros_like(used)
    counts = np.zeros(len(names), dtype=np.int64)
    for pod in pods:
        i = index.get(pod.node)
        if i is None or pod.status in jobs.COMPLETED:
            continue
        vector = dims.vector(pod.requests)
        used[i] += vector
        counts[i] += 1
        if pod.status is jobs.TaskStatus.RELEASING:
            releasing[i] += vector
    return used, releasing, counts


def _task_status(pod: meta.Obj, node: str) -> jobs.TaskStatus | None:
    """Volcano's task status of a pod; None for one never placed and going away (no record)."""
    phase = str((pod.get("status") or {}).get("phase") or "Pending")
    deleting = bool(meta.metadata(pod).get("deletionTimestamp"))
    if deleting and not node:
        return None  # never placed and going away: not pending work, holds nothing
    if deleting and phase not in _FINISHED:
        return jobs.TaskStatus.RELEASING
    if node and phase == "Pending":
        return jobs.TaskStatus.BOUND
    if phase == "Pending":
        return jobs.TaskStatus.PENDING
    return _POD_STATUS.get(phase, jobs.TaskStatus.UNKNOWN)


def _pod_update(old: PodRecord, pod: meta.Obj) -> PodRecord | None:
    """The record of ``pod``, a newer version of ``old.pod``, derived from ``old`` when only what a
    bind or a status report writes changed (spec.nodeName, status, resourceVersion): the rest of
    the record is read from the spec and metadata, which are equal (mostly the very same objects:
    a compact cache shares unchanged sections). None: more changed, build it with ``_pod_record``."""
    before, spec = old.pod.get("spec") or {}, pod.get("spec") or {}
    md_before, md = old.pod.get("metadata") or {}, pod.get("metadata") or {}
    if (len(spec) != len(before) + ("nodeName" in spec) - ("nodeName" in before)
            or any(v is not before.get(k) and v != before.get(k) for k, v in spec.items() if k != "nodeName")
            or any(md.get(k) is not md_before.get(k) and md.get(k) != md_before.get(k) for k in _RECORDED_METADATA)):
        return None
    node = str(spec.get("nodeName") or "")
    status = _task_status(pod, node)
    if status is None:
        return None
    # dataclasses.replace re-runs the frozen __init__ (one object.__setattr__ per field, ~4 us);
    # copying the field dict is ~0.5 us, and every instance does this for every bind it sees.
    record = object.__new__(PodRecord)
    record.__dict__.update(old.__dict__, node=node, status=status,
                           resource_version=meta.resource_version(pod), pod=pod)
    return record


# Metadata a pod record is derived from, besides its key and deletionTimestamp (status, recomputed).
_RECORDED_METADATA = ("labels", "annotations", "creationTimestamp")


def _pod_record(pod: meta.Obj, classes: _Classes) -> PodRecord | None:
    spec = pod.get("spec") or {}
    node = str(spec.get("nodeName") or "")
    requests = _requests(pod)
    if requests is None:
        return None  # admission refuses these; one bad object must not stop every session
    status = _task_status(pod, node)
    if status is None:
        return None
    notes = _annotations(pod)
    group = notes.get(labels.GROUP_NAME, "")
    priority = spec.get("priority")
    host_ports, required_terms, preferred_terms = pod_terms.uses(pod)
    return PodRecord(
        uid=meta.key(pod),
        namespace=meta.namespace(pod),
        name=meta.name(pod),
        group=sys.intern(f"{meta.namespace(pod)}/{group}") if group else "",  # one string per group
        role=notes.get(labels.TASK_SPEC, "") or meta.labels(pod).get(labels.TASK_SPEC, ""),
        node=node,
        status=status,
        requests=requests,
        priority=int(priority) if priority is not None else classes.lookup(str(spec.get("priorityClassName") or "")),
        creation=str(meta.metadata(pod).get("creationTimestamp") or ""),
        resource_version=meta.resource_version(pod),
        pod=pod,
        preemptable=_preemptable(pod, notes),
        host_ports=host_ports,
        pod_terms=required_terms,
        preferred_terms=preferred_terms,
    )


def _preemptable(pod: meta.Obj, notes: Mapping[str, str]) -> bool:
    # Volcano's GetPodPreemptable: the annotation wins over the label; unparsable means false.
    for found in (notes, meta.labels(pod)):
        value = found.get(labels.PREEMPTABLE)
        if value is not None:
            return durations.parse_bool(str(value)) is True
    return True


def _podgroup_record(group: meta.Obj, classes: _Classes) -> PodGroupRecord:
    spec = group.get("spec") or {}
    status = group.get("status") or {}
    min_resources = spec.get("minResources")
    return PodGroupRecord(
        uid=meta.key(group),
        namespace=meta.namespace(group),
        name=meta.name(group),
        queue=str(spec.get("queue") or "default"),
        min_member=int(spec.get("minMember") or 0),
        min_resources=_schedulable(_quantities(min_resources)),
        min_task_member={str(k): int(v) for k, v in (spec.get("minTaskMember") or {}).items()},
        priority=classes.lookup(str(spec.get("priorityClassName") or "")),
        phase=str(status.get("phase") or "Pending"),
        conditions=tuple(status.get("conditions") or ()),
        counts=(int(status.get("running") or 0), int(status.get("succeeded") or 0), int(status.get("failed") or 0)),
        creation=str(meta.metadata(group).get("creationTimestamp") or ""),
        resource_version=meta.resource_version(group),
        reserved_nodes=_reserved_nodes(group),
        sla_waiting_seconds=_sla_waiting(group),
    )


def _reserved_nodes(group: meta.Obj) -> tuple[str, ...]:
    value = _annotations(group).get(RESERVED_NODES, "")
    return tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))


def _sla_waiting(group: meta.Obj) -> float | None:
    value = _annotations(group).get(SLA_WAITING_TIME)
    seconds = durations.parse_go_duration(value) if value else None
    return seconds if seconds is not None and seconds > 0 else None


def _queue_record(queue: meta.Obj) -> QueueRecord:
    spec = queue.get("spec") or {}
    capability = spec.get("capability")
    return QueueRecord(
        name=meta.name(queue),
        weight=int(spec.get("weight") or 1),
        capability=_schedulable(_quantities(capability)),
        guarantee=_schedulable(_quantities((spec.get("guarantee") or {}).get("resource"))) or {},
        state=str((queue.get("status") or {}).get("state") or "Open"),
        priority=int(spec.get("priority") or 0),
        creation=str(meta.metadata(queue).get("creationTimestamp") or ""),
        deserved=_schedulable(_quantities(spec.get("deserved"))),
        reclaimable=spec.get("reclaimable") is not False,
        parent=_queue_parent(queue),
        hierarchy=_annotations(queue).get(HIERARCHY, ""),
        hierarchy_weights=_annotations(queue).get(HIERARCHY_WEIGHTS, ""),
    )


def _queue_parent(queue: meta.Obj) -> str:
    parent = str((queue.get("spec") or {}).get("parent") or "")
    return "" if parent == ROOT_QUEUE else parent


# Exact quantity parsing is slow (fractions), and nodes of one pool and pods of one job repeat
# the same resource stanzas, so results are memoised by the stanza's JSON. The memo only caches
# a pure function; it is bounded by clearing it when it grows big.
_MEMO: dict[str, Mapping[str, int] | None] = {}
_MEMO_MAX = 65_536


def _memoised(kind: str, stanza: Any, parse: Callable[[], dict[str, int]]) -> Mapping[str, int] | None:
    """``parse()`` for this stanza, as one shared read-only mapping per distinct stanza (the
    pods of a job share their requests; sessions derive each distinct request's vector once)."""
    try:
        key = kind + json.dumps(stanza, sort_keys=True)
    except (TypeError, ValueError):
        key = ""
    if key in _MEMO:
        return _MEMO[key]
    try:
        value: dict[str, int] | None = parse()
    except (quantity.QuantityError, TypeError, ValueError, AttributeError):
        value = None  # admission refuses these; one bad object must not stop every session
    shared = types.MappingProxyType(value) if value is not None else None
    if key:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[key] = shared
    return shared


def _requests(pod: meta.Obj) -> Mapping[str, int] | None:
    spec = pod.get("spec") or {}
    stanzas = [[c.get("resources") for c in spec.get(k) or []] for k in ("containers", "initContainers")]
    return _memoised("pod", stanzas, lambda: resources.pod_requests(pod))


def _quantities(spec: Any) -> dict[str, int] | None:
    """A resource list in milli-units, None when absent or unreadable."""
    if not spec or not isinstance(spec, Mapping):
        return None
    found = _memoised("list", spec, lambda: resources.from_quantities(spec))
    return dict(found) if found is not None else None


def _schedulable(res: dict[str, int] | None) -> dict[str, int] | None:
    # Quota keys (requests.cpu, count/pods) and pod counts are not placement dimensions.
    return resources.schedulable(res) if res is not None else None
