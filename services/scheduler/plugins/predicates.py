"""predicates: node filters besides resources (Volcano's plugins/predicates, Kubernetes' filters).

- pod count: a node holds at most ``status.allocatable.pods`` pods;
- unschedulable nodes (``spec.unschedulable``) unless the pod tolerates
  ``node.kubernetes.io/unschedulable:NoSchedule``;
- ``spec.nodeSelector`` and required node affinity;
- taints with effect NoSchedule/NoExecute the pod does not tolerate.

Everything but the pod count depends only on the pod spec and the node, so the masks are computed
once per distinct scheduling spec (tasks of one role share it) and reused across the session.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from services.scheduler.framework import arguments, fit_errors, jobs, nodes, session

NAME = "predicates"
NODE_AFFINITY = "predicate.NodeAffinityEnable"
TAINT_TOLERATION = "predicate.TaintTolerationEnable"
ARGUMENTS = frozenset(
    {
        NODE_AFFINITY,
        TAINT_TOLERATION,
        "predicate.NodePortsEnable",
        "predicate.PodAffinityEnable",
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
    return all(_expression_matches(spec.labels, e) for e in expressions) and all(
        _expression_matches(field_values, f) for f in fields
    )


def _expression_matches(values: Mapping[str, str], expr: Mapping[str, Any]) -> bool:
    key, op, wanted = expr.get("key") or "", expr.get("operator"), [str(v) for v in expr.get("values") or []]
    present = key in values
    value = values.get(key, "")
    if op == "In":
        return present and value in wanted
    if op == "NotIn":
        return not present or value not in wanted
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, bound = int(value), int(wanted[0])
        except ValueError:
            return False
        return have > bound if op == "Gt" else have < bound
    return False


class Predicates:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        self.node_affinity = arguments.get_bool(args, NODE_AFFINITY, True)
        self.taints = arguments.get_bool(args, TAINT_TOLERATION, True)
        self._static: dict[str, Failures] = {}

    def on_session_open(self, ssn: session.Session) -> None:
        ssn.hooks.add("predicate", NAME, self._failures)

    def _failures(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix) -> Failures:
        full: nodes.Mask = matrix.pods >= matrix.max_pods
        return [(fit_errors.POD_NUMBER_EXCEEDED, full), *self._static_failures(task, matrix)]

    def _static_failures(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix) -> Failures:
        pod_spec = task.pod.get("spec") or {}
        key = json.dumps(
            [pod_spec.get("nodeSelector"), pod_spec.get("affinity"), pod_spec.get("tolerations")], sort_keys=True
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
        return out

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
