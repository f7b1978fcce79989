"""Why a task fits no node: per-reason counts of failing nodes (Volcano's api.FitErrors).

Only the histogram is kept (not one entry per node): with 10k nodes the message and the Explain
API need "how many nodes failed for which reason", and the histogram is what Volcano prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Reason wording as Volcano and the Kubernetes scheduler plugins print it.
POD_NUMBER_EXCEEDED = "node(s) pod number exceeded"
UNSCHEDULABLE_NODE = "node(s) were unschedulable"
NODE_SELECTOR_MISMATCH = "node(s) didn't match Pod's node affinity/selector"


def insufficient(resource: str) -> str:
    return f"Insufficient {resource}"


def untolerated_taint(key: str, value: str) -> str:
    return f"node(s) had untolerated taint {{{key}: {value}}}"


@dataclass
class FitErrors:
    nodes: int = 0  # how many nodes were checked
    reasons: dict[str, int] = field(default_factory=dict)  # reason -> number of nodes failing it
    error: str = ""  # a common error that replaces the "0/N nodes are unavailable" prefix

    def add(self, reason: str, count: int) -> None:
        if count:
            self.reasons[reason] = self.reasons.get(reason, 0) + count

    def message(self) -> str:
        prefix = self.error or f"0/{self.nodes} nodes are unavailable"
        if not self.reasons:
            return prefix
        return f"{prefix}: {', '.join(histogram(self.reasons))}."


def histogram(counts: Mapping[str, int]) -> list[str]:
    """``["2 Insufficient cpu", "3 node(s) were unschedulable"]``, sorted as strings like Volcano."""
    return sorted(f"{count} {reason}" for reason, count in counts.items())
