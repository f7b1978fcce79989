"""nodeorder: Kubernetes-style node scores, weighted by the policy (Volcano's plugins/nodeorder).

Implemented: leastrequested (default weight 1), mostrequested (0), balancedresource (1),
nodeaffinity (2: preferred node-affinity terms), tainttoleration (3: fewer untolerated
PreferNoSchedule taints) and podaffinity (2: the pod's preferred pod (anti-)affinity terms; only
computed when some pod in the snapshot has them). The image-locality, topology-spread and
selector-spread weights are accepted for compatibility but do not score yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

import json

from services.scheduler.framework import arguments, jobs, nodes, session
from services.scheduler.plugins import pod_affinity, pod_index, predicates, scoring

NAME = "nodeorder"
LEAST_REQUESTED = "leastrequested.weight"
MOST_REQUESTED = "mostrequested.weight"
BALANCED = "balancedresource.weight"
NODE_AFFINITY = "nodeaffinity.weight"
TAINT_TOLERATION = "tainttoleration.weight"
POD_AFFINITY = "podaffinity.weight"
ARGUMENTS = frozenset(
    {
        LEAST_REQUESTED,
        MOST_REQUESTED,
        BALANCED,
        NODE_AFFINITY,
        TAINT_TOLERATION,
        POD_AFFINITY,
        "imagelocality.weight",
        "podtopologyspread.weight",
        "selectorspread.weight",
    }
)

Scorer = Callable[[scoring.Load], scoring.Floats]
CPU_MEMORY = [0, 1]  # the node matrix's first two columns
Static = scoring.Floats | None
MAX_CACHED_REQUESTS = 64  # per-node resource scores kept for this many distinct requests


class NodeOrder:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        self.weighted: list[tuple[int, Scorer]] = [
            (w, fn)
            for w, fn in (
                (arguments.get_int(args, LEAST_REQUESTED, 1), scoring.least_allocated),
                (arguments.get_int(args, MOST_REQUESTED, 0), scoring.most_allocated),
                (arguments.get_int(args, BALANCED, 1), scoring.balanced_allocation),
            )
            if w
        ]
        self.affinity_weight = arguments.get_int(args, NODE_AFFINITY, 2)
        self.taint_weight = arguments.get_int(args, TAINT_TOLERATION, 3)
        self.pod_affinity_weight = arguments.get_int(args, POD_AFFINITY, 2)
        self._placed: pod_index.PodIndex | None = None
        self._topology: pod_affinity.Topology | None = None
        # Per distinct pod scheduling spec: (preferred-affinity weight sum, untolerated
        # PreferNoSchedule taint count) for every node; both depend only on spec and node.
        self._static: dict[str, tuple[Static, Static]] = {}
        # Per distinct request vector: the weighted least/most/balanced scores of every node.
        self._resources: dict[bytes, scoring.RowScores] = {}

    def on_session_open(self, ssn: session.Session) -> None:
        # Cached scores belong to one session's node matrix (its change counters start at 0).
        self._resources.clear()
        # Preferred pod affinity needs every placed pod indexed: only when some pod prefers.
        if self.pod_affinity_weight and any(p.preferred_terms for p in ssn.snapshot.pods):
            self._placed = pod_index.PodIndex(ssn, lambda _pod: True)
            self._topology = pod_affinity.Topology(ssn.nodes.specs)
        if self.weighted or self.affinity_weight or self.taint_weight or self._placed is not None:
            ssn.hooks.add("node_order", NAME, self._score)

    def _score(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Indices) -> nodes.Scores:
        if self.weighted:
            total = self._resource_scores(task, matrix, rows)
        else:
            total = np.zeros(len(rows), dtype=np.float64)
        if self.affinity_weight or self.taint_weight:
            affinity, taints = self._static_scores(task, matrix)
            # Most pods prefer nothing and most nodes carry no soft taints: skip the all-zero case.
            if affinity is not None:
                total += self.affinity_weight * scoring.normalize(affinity[rows], reverse=False)
            if taints is not None:
                total += self.taint_weight * scoring.normalize(taints[rows], reverse=True)
            else:
                total += self.taint_weight * scoring.MAX_NODE_SCORE
        if self._placed is not None and self._topology is not None:
            preferred = pod_affinity.preferred_scores(task.pod, self._placed, self._topology)
            if preferred is not None:
                total += self.pod_affinity_weight * preferred[rows]
        return total

    def _resource_scores(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Indices) -> nodes.Scores:
        """The weighted resource scores, kept per request across tasks (scoring.RowScores)."""
        key = task.vector.tobytes()
        cached = self._resources.get(key)
        if cached is None:
            if len(self._resources) >= MAX_CACHED_REQUESTS:
                self._resources.clear()  # many distinct requests: bound the memory, start over
            cached = self._resources[key] = scoring.RowScores(len(matrix))
        return cached.get(matrix, rows, lambda changed: self._weighted(task, matrix, changed))

    def _weighted(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Indices) -> nodes.Scores:
        # Least/most requested look at cpu and memory; balanced also at GPUs the task asks for.
        load = scoring.Load.of(task, matrix, rows, CPU_MEMORY)
        extra = [c for c in range(2, len(task.vector)) if task.vector[c] > 0]
        balanced = scoring.Load.of(task, matrix, rows, CPU_MEMORY + extra) if extra else load
        total = np.zeros(len(rows), dtype=np.float64)
        for weight, fn in self.weighted:
            total += weight * fn(balanced if fn is scoring.balanced_allocation else load)
        return total

    def _static_scores(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix) -> tuple[Static, Static]:
        """(preferred-affinity weight sums, untolerated soft taint counts) per node, each None
        when zero everywhere (known once per spec rather than checked over every node per task)."""
        spec = task.pod.get("spec") or {}
        affinity = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "preferredDuringSchedulingIgnoredDuringExecution"
        ) or []
        tolerations = spec.get("tolerations") or []
        # Most pods prefer and tolerate nothing: no key to serialise for them (once per task).
        key = json.dumps([affinity, tolerations], sort_keys=True) if affinity or tolerations else ""
        if key not in self._static:
            self._static[key] = (
                _nonzero(np.array([_preferred_weight(n, affinity) for n in matrix.specs], dtype=np.float64)),
                _nonzero(np.array([_untolerated_soft_taints(n, tolerations) for n in matrix.specs], dtype=np.float64)),
            )
        return self._static[key]

    def on_session_close(self, ssn: session.Session) -> None:
        self._static.clear()
        self._resources.clear()


def _nonzero(scores: scoring.Floats) -> Static:
    return scores if scores.any() else None


def _preferred_weight(spec: nodes.NodeSpec, terms: list[dict[str, Any]]) -> int:
    return sum(int(t.get("weight") or 0) for t in terms if predicates.term_matches(spec, t.get("preference") or {}))


def _untolerated_soft_taints(spec: nodes.NodeSpec, tolerations: list[dict[str, Any]]) -> int:
    soft = [t for t in spec.taints if t.get("effect") == "PreferNoSchedule"]
    # Kubernetes only counts tolerations that apply to PreferNoSchedule (or to every effect).
    relevant = [t for t in tolerations if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]
    return sum(1 for taint in soft if not predicates.tolerates(relevant, taint))
