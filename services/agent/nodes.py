"""The Kubernetes Node objects an agent presents, so ``kubectl get nodes`` and selectors work."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from basalt.api import meta
from services.agent import settings as agent_settings

HOSTNAME_LABEL = "kubernetes.io/hostname"
AGENT_LABEL = "basalt.io/agent"


@runtime_checkable
class NodeSource(Protocol):
    """A runtime whose nodes exist elsewhere (a real cluster's) rather than in the settings."""

    async def nodes(self, now: str) -> list[meta.Obj]:
        """The Node objects to register, as of ``now``."""
        ...


async def presented(settings: agent_settings.Settings, runtime: object, now: str) -> list[meta.Obj]:
    """The nodes to register: the runtime's own when it has some, else the configured ones."""
    if isinstance(runtime, NodeSource):
        return await runtime.nodes(now)
    return node_objects(settings, now)


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
