"""The Kubernetes Node objects an agent presents, so ``kubectl get nodes`` and selectors work."""

from __future__ import annotations

from basalt.api import meta
from services.agent import settings as agent_settings

HOSTNAME_LABEL = "kubernetes.io/hostname"
AGENT_LABEL = "basalt.io/agent"


def node_objects(settings: agent_settings.Settings, now: str) -> list[meta.Obj]:
    """One Node per configured name, Ready as of ``now`` (an RFC 3339 timestamp)."""
    capacity = settings.capacity()
    return [_node(name, settings, capacity, now) for name in settings.node_names()]


def _node(name: str, settings: agent_settings.Settings, capacity: dict[str, str], now: str) -> meta.Obj:
    labels = {HOSTNAME_LABEL: name, AGENT_LABEL: settings.agent_id, **settings.labels()}
    ready = {"type": "Ready", "status": "True", "reason": "KubeletReady",
             "message": "basalt agent is posting ready status",
             "lastHeartbeatTime": now, "lastTransitionTime": now}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {},
        "status": {
            "capacity": dict(capacity),
            "allocatable": dict(capacity),
            "conditions": [ready],
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "basalt-agent", "containerRuntimeVersion": f"basalt-{settings.runtime}"},
        },
    }
