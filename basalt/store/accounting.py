"""Which resources a pod holds, so binds and releases change node and queue accounting in the
same atomic script as the pod itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from basalt.api import labels, resources

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


@dataclass(frozen=True)
class Hold:
    node: str
    queue: str
    requests: resources.Resources


def hold(pod: dict[str, Any] | None) -> Hold | None:
    """The resources a pod holds: bound to a node and not finished. None when it holds nothing."""
    if pod is None:
        return None
    node = (pod.get("spec") or {}).get("nodeName")
    phase = (pod.get("status") or {}).get("phase", "Pending")
    if not node or phase in TERMINAL_PHASES:
        return None
    queue = ((pod.get("metadata") or {}).get("labels") or {}).get(labels.QUEUE_NAME, "")
    # A pod also takes one of the node's ``pods`` slots, as max-pods does in Kubernetes.
    requests = resources.add(resources.pod_requests(pod), {resources.PODS: 1000})
    return Hold(node=str(node), queue=str(queue), requests=requests)
