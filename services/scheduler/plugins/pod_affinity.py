"""Required inter-pod affinity and anti-affinity (Kubernetes' InterPodAffinity filter), over the
node labels named by each term's ``topologyKey``.

- affinity: a node passes a term if a pod matching it runs in the node's topology domain (same
  value of ``topologyKey``); if no pod anywhere matches and the pod matches its own term (the
  first pod of a group), every node passes;
- anti-affinity: a node fails a term if a matching pod runs in its domain;
- existing pods' anti-affinity: a node fails if a pod in its domain has an anti-affinity term
  the new pod matches.

A term matches pods in ``namespaces`` (default: the owner pod's namespace; an empty
``namespaceSelector`` means all namespaces) whose labels match ``labelSelector``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from services.scheduler.framework import nodes
from services.scheduler.framework.pod_terms import Term, preferred, required
from services.scheduler.plugins import label_match, pod_index

AFFINITY_REASON = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY_REASON = "node(s) didn't satisfy existing pods anti-affinity rules"

Failures = list[tuple[str, nodes.Mask]]


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    if selector is None:
        return False  # a nil selector matches nothing (Kubernetes)
    if any(labels.get(k) != str(v) for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    return all(label_match.expression_matches(labels, e) for e in selector.get("matchExpressions") or [])


def term_matches(term: Term, owner_namespace: str, namespace: str, labels: Mapping[str, str]) -> bool:
    namespaces = term.get("namespaces") or []
    everywhere = term.get("namespaceSelector") == {}
    if not everywhere and namespace not in (namespaces or [owner_namespace]):
        return False
    return selector_matches(term.get("labelSelector"), labels)


def _namespace(pod: Mapping[str, Any]) -> str:
    return str((pod.get("metadata") or {}).get("namespace") or "default")


class Topology:
    """Per topology key, each node's domain as a small integer (-1 without the label), cached,
    so "nodes in these domains" is one vectorised comparison."""

    def __init__(self, specs: Sequence[nodes.NodeSpec]) -> None:
        self.specs = specs
        self.row = {s.name: i for i, s in enumerate(specs)}
        self._codes: dict[str, tuple[npt.NDArray[np.int64], dict[str, int]]] = {}

    def _encoded(self, key: str) -> tuple[npt.NDArray[np.int64], dict[str, int]]:
        if key not in self._codes:
            names: dict[str, int] = {}
            codes = [names.setdefault(v, len(names)) if (v := s.labels.get(key)) is not None else -1 for s in self.specs]
            self._codes[key] = (np.array(codes, dtype=np.int64), names)
        return self._codes[key]

    def mask(self, key: str, domains: set[str]) -> nodes.Mask:
        codes, names = self._encoded(key)
        wanted = [names[d] for d in domains if d in names]
        if not wanted:
            return np.zeros(len(self.specs), dtype=np.bool_)
        result: nodes.Mask = np.isin(codes, wanted)
        return result

    def domain(self, key: str, node: str) -> str | None:
        row = self.row.get(node)
        return None if row is None else self.specs[row].labels.get(key)


def failures(pod: Mapping[str, Any], index: pod_index.PodIndex, topology: Topology) -> Failures:
    namespace, labels = _namespace(pod), pod_index.pod_labels(pod)
    size = len(topology.specs)
    affinity_fail = np.zeros(size, dtype=np.bool_)
    for term in required(pod, "podAffinity"):
        key = str(term.get("topologyKey") or "")
        domains = _domains(term, namespace, index, topology)
        if not domains and term_matches(term, namespace, namespace, labels):
            continue
        affinity_fail |= ~topology.mask(key, domains)
    anti_fail = np.zeros(size, dtype=np.bool_)
    for term in required(pod, "podAntiAffinity"):
        anti_fail |= topology.mask(str(term.get("topologyKey") or ""), _domains(term, namespace, index, topology))
    existing_fail = np.zeros(size, dtype=np.bool_)
    for placed in index.marked():
        for term in required(placed.pod, "podAntiAffinity"):
            if term_matches(term, placed.namespace, namespace, labels):
                key = str(term.get("topologyKey") or "")
                domain = topology.domain(key, placed.node)
                if domain is not None:
                    existing_fail |= topology.mask(key, {domain})
    return [
        (AFFINITY_REASON, affinity_fail),
        (ANTI_AFFINITY_REASON, anti_fail),
        (EXISTING_ANTI_AFFINITY_REASON, existing_fail),
    ]


def _domains(term: Term, namespace: str, index: pod_index.PodIndex, topology: Topology) -> set[str]:
    key = str(term.get("topologyKey") or "")
    out: set[str] = set()
    selector = term.get("labelSelector") or {}
    for placed in index.with_labels(selector.get("matchLabels") or {}):
        if term_matches(term, namespace, placed.namespace, placed.labels):
            domain = topology.domain(key, placed.node)
            if domain is not None:
                out.add(domain)
    return out


def preferred_scores(
    pod: Mapping[str, Any], index: pod_index.PodIndex, topology: Topology
) -> npt.NDArray[np.float64] | None:
    """Kubernetes' InterPodAffinity score for the pod's own preferred terms, 0..100 per node
    (min-max normalised): + weight per affinity term whose matching pods share the node's
    domain, - weight per anti-affinity term. None when the pod prefers nothing."""
    terms = [(w, 1.0) for w in preferred(pod, "podAffinity")] + [(w, -1.0) for w in preferred(pod, "podAntiAffinity")]
    if not terms:
        return None
    namespace = _namespace(pod)
    raw = np.zeros(len(topology.specs), dtype=np.float64)
    for weighted, sign in terms:
        term = weighted.get("podAffinityTerm") or {}
        domains = _domains(term, namespace, index, topology)
        if domains:
            raw += sign * float(weighted.get("weight") or 0) * topology.mask(str(term.get("topologyKey") or ""), domains)
    low, high = float(raw.min()), float(raw.max())
    if high == low:
        return np.zeros(len(raw), dtype=np.float64)
    result: npt.NDArray[np.float64] = np.floor((raw - low) * 100 / (high - low))
    return result
