"""predicates: node filters besides resources (Volcano's plugins/predicates, Kubernetes' filters).

- pod count: a node holds at most ``status.allocatable.pods`` pods;
- unschedulable nodes (``spec.unschedulable``) unless the pod tolerates
  ``node.kubernetes.io/unschedulable:NoSchedule``;
- ``spec.nodeSelector`` and required node affinity;
- taints with effect NoSchedule/NoExecute the pod does not tolerate;
- host ports already bound on the node (host_ports);
- required pod affinity and anti-affinity, including existing pods' anti-affinity (pod_affinity).

Pod count, host ports and pod affinity depend on the pods placed so far; the rest only on the
pod spec and the node, so those masks are computed once per distinct scheduling spec (tasks of
one role share it) and reused across the session. Host-port and pod-affinity work is skipped
entirely when no pod in the snapshot uses them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from services.scheduler.framework import arguments, fit_errors, jobs, nodes, pod_terms, session
from services.scheduler.plugins import host_ports, label_match, pod_affinity, pod_index

NAME = "predicates"
NODE_AFFINITY = "predicate.NodeAffinityEnable"
TAINT_TOLERATION = "predicate.TaintTolerationEnable"
NODE_PORTS = "predicate.NodePortsEnable"
POD_AFFINITY = "predicate.PodAffinityEnable"
ARGUMENTS = frozenset(
    {
        NODE_AFFINITY,
        TAINT_TOLERATION,
        NODE_PORTS,
        POD_AFFINITY,
        "predicate.NodeVolumeLimitsEnable",
        "predicate.VolumeZoneEnable",
        "predicate.PodTopologySpreadEnable",
        "predicate.VolumeBindingEnable",
        "predicate.DynamicResourceAllocationEnable",
        "predicate.CacheEnable",
        "predicate.GPUSharingEnable",
        "predicate.GPUNumberEnable",
        "predicate.ProportionalEnable",
        "predicate.resources",
    }
)
ARGUMENT_PREFIXES = ("predicate.resources.",)

UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
_BLOCKING_EFFECTS = ("NoSchedule", "NoExecute")

Failures = list[tuple[str, nodes.Mask]]


def tolerates(tolerations: Sequence[Mapping[str, Any]], taint: Mapping[str, Any]) -> bool:
    return any(_tolerates(t, taint) for t in tolerations)


def _tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if toleration.get("operator") == "Exists":
        return not key or key == taint.get("key")
    return key == taint.get("key") and (toleration.get("value") or "") == (taint.get("value") or "")


def untolerated_taint(spec: nodes.NodeSpec, tolerations: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for taint in spec.taints:
        if taint.get("effect") in _BLOCKING_EFFECTS and not tolerates(tolerations, taint):
            return taint
    return None


def matches_selector(spec: nodes.NodeSpec, pod_spec: Mapping[str, Any]) -> bool:
    selector = pod_spec.get("nodeSelector") or {}
    if any(spec.labels.get(k) != v for k, v in selector.items()):
        return False
    affinity = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    terms = affinity.get("nodeSelectorTerms") or []
    # Terms are ORed; an empty term list means no constraint.
    return not terms or any(term_matches(spec, term) for term in terms)


def term_matches(spec: nodes.NodeSpec, term: Mapping[str, Any]) -> bool:
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not expressions and not fields:
        return False  # an empty term matches nothing (Kubernetes)
    field_values = {"metadata.name": spec.name}
    return all(label_match.expression_matches(spec.labels, e) for e in expressions) and all(
        label_match.expression_matches(field_values, f) for f in fields
    )


class Predicates:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        self.node_affinity = arguments.get_bool(args, NODE_AFFINITY, True)
        self.taints = arguments.get_bool(args, TAINT_TOLERATION, True)
        self.node_ports = arguments.get_bool(args, NODE_PORTS, True)
        self.pod_affinity = arguments.get_bool(args, POD_AFFINITY, True)
        self._static: dict[str, Failures] = {}
        self._ports: pod_index.PodIndex | None = None
        self._placed: pod_index.PodIndex | None = None
        self._topology: pod_affinity.Topology | None = None

    def on_session_open(self, ssn: session.Session) -> None:
        pods = ssn.snapshot.pods
        if self.node_ports and any(p.host_ports for p in pods):
            self._ports = pod_index.PodIndex(ssn, pod_terms.has_ports)
        if self.pod_affinity and any(p.pod_terms for p in pods):
            self._placed = pod_index.PodIndex(ssn, lambda _pod: True, pod_terms.has_anti_affinity)
            self._topology = pod_affinity.Topology(ssn.nodes.specs)
        ssn.hooks.add("predicate", NAME, self._failures)

    def _failures(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Rows) -> Failures:
        full: nodes.Mask = matrix.pods[rows] >= matrix.max_pods[rows]
        out = [(fit_errors.POD_NUMBER_EXCEEDED, full)]
        out.extend((reason, mask[rows]) for reason, mask in self._static_failures(task, matrix))
        # Ports and pod affinity depend on placed pods: whole-cluster masks, only when in use.
        if self._ports is not None:
            wanted = pod_terms.ports(task.pod)
            if wanted:
                out.append((host_ports.REASON, host_ports.conflicts(wanted, self._ports, matrix)[rows]))
        if self._placed is not None and self._topology is not None:
            out.extend((r, m[rows]) for r, m in pod_affinity.failures(task.pod, self._placed, self._topology))
        return out

    def _static_failures(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix) -> Failures:
        pod_spec = task.pod.get("spec") or {}
        # Only what these masks read: pod (anti-)affinity terms differ per gang and are not static.
        node_affinity = (pod_spec.get("affinity") or {}).get("nodeAffinity")
        selector, tolerations = pod_spec.get("nodeSelector"), pod_spec.get("tolerations")
        # Most pods constrain nothing: skip serialising the key for them (hot path, once per task).
        key = "" if not (selector or node_affinity or tolerations) else json.dumps(
            [selector, node_affinity, tolerations], sort_keys=True
        )
        if key not in self._static:
            self._static[key] = self._compute(pod_spec, matrix.specs)
        return self._static[key]

    def _compute(self, pod_spec: Mapping[str, Any], specs: Sequence[nodes.NodeSpec]) -> Failures:
        tolerations = pod_spec.get("tolerations") or []
        unschedulable_taint = {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}
        cordoned = np.array(
            [s.unschedulable and not tolerates(tolerations, unschedulable_taint) for s in specs], dtype=np.bool_
        )
        out: Failures = [(fit_errors.UNSCHEDULABLE_NODE, cordoned)]
        if self.node_affinity:
            mismatch = np.array([not matches_selector(s, pod_spec) for s in specs], dtype=np.bool_)
            out.append((fit_errors.NODE_SELECTOR_MISMATCH, mismatch))
        if self.taints:
            out.extend(_taint_failures(specs, tolerations))
        # A mask no node fails counts nothing: dropping it saves work for every task of the spec.
        return [(reason, mask) for reason, mask in out if mask.any()]

    def on_session_close(self, ssn: session.Session) -> None:
        self._static.clear()


def _taint_failures(specs: Sequence[nodes.NodeSpec], tolerations: Sequence[Mapping[str, Any]]) -> Failures:
    by_reason: dict[str, list[int]] = {}
    for i, spec in enumerate(specs):
        taint = untolerated_taint(spec, tolerations)
        if taint is not None:
            reason = fit_errors.untolerated_taint(str(taint.get("key") or ""), str(taint.get("value") or ""))
            by_reason.setdefault(reason, []).append(i)
    out: Failures = []
    for reason, rows in sorted(by_reason.items()):
        mask = np.zeros(len(specs), dtype=np.bool_)
        mask[rows] = True
        out.append((reason, mask))
    return out
