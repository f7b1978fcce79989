"""Fluent builders for scheduler scenarios (Volcano's uthelper, kueue's MakeWorkload(...).Obj()).

    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi")).queues(queue("default"))
    s.gang("job-a", replicas=2, cpu="1")
    result = s.run()
    assert s.placements(result) == {"default/job-a-0": "n1", "default/job-a-1": "n1"}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from basalt.api import labels
from services.scheduler import conf as conf_mod
from services.scheduler import framework

Obj = dict[str, Any]
GPU = "nvidia.com/gpu"


class NodeBuilder:
    def __init__(self, name: str) -> None:
        self._obj: Obj = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": {}},
            "spec": {},
            "status": {"allocatable": {"pods": "110"}},
        }

    def _alloc(self, name: str, value: str | int) -> NodeBuilder:
        self._obj["status"]["allocatable"][name] = str(value)
        return self

    def cpu(self, value: str | int) -> NodeBuilder:
        return self._alloc("cpu", value)

    def memory(self, value: str) -> NodeBuilder:
        return self._alloc("memory", value)

    def gpu(self, value: int) -> NodeBuilder:
        return self._alloc(GPU, value)

    def pods(self, value: int) -> NodeBuilder:
        return self._alloc("pods", value)

    def label(self, key: str, value: str) -> NodeBuilder:
        self._obj["metadata"]["labels"][key] = value
        return self

    def taint(self, key: str, value: str = "", effect: str = "NoSchedule") -> NodeBuilder:
        self._obj["spec"].setdefault("taints", []).append({"key": key, "value": value, "effect": effect})
        return self

    def unschedulable(self) -> NodeBuilder:
        self._obj["spec"]["unschedulable"] = True
        return self

    def not_ready(self) -> NodeBuilder:
        self._obj["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._obj)


class QueueBuilder:
    def __init__(self, name: str) -> None:
        self._obj: Obj = {
            "apiVersion": "scheduling.volcano.sh/v1beta1",
            "kind": "Queue",
            "metadata": {"name": name, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"weight": 1},
            "status": {"state": "Open"},
        }

    def weight(self, value: int) -> QueueBuilder:
        self._obj["spec"]["weight"] = value
        return self

    def capability(self, **res: str | int) -> QueueBuilder:
        self._obj["spec"]["capability"] = _resources(res)
        return self

    def state(self, value: str) -> QueueBuilder:
        self._obj["status"]["state"] = value
        return self

    def reclaimable(self, value: bool) -> QueueBuilder:
        self._obj["spec"]["reclaimable"] = value
        return self

    def guarantee(self, **res: str | int) -> QueueBuilder:
        self._obj["spec"]["guarantee"] = {"resource": _resources(res)}
        return self

    def deserved(self, **res: str | int) -> QueueBuilder:
        self._obj["spec"]["deserved"] = _resources(res)
        return self

    def priority(self, value: int) -> QueueBuilder:
        self._obj["spec"]["priority"] = value
        return self

    def annotate(self, key: str, value: str) -> QueueBuilder:
        self._obj["metadata"].setdefault("annotations", {})[key] = value
        return self

    def parent(self, name: str) -> QueueBuilder:
        self._obj["spec"]["parent"] = name
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._obj)


class PodGroupBuilder:
    def __init__(self, name: str, namespace: str = "default") -> None:
        self._obj: Obj = {
            "apiVersion": "scheduling.volcano.sh/v1beta1",
            "kind": "PodGroup",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "resourceVersion": "7",
                "creationTimestamp": "2026-01-01T00:00:00Z",
            },
            "spec": {"minMember": 1, "queue": "default"},
            "status": {"phase": "Inqueue"},
        }

    def min_member(self, value: int) -> PodGroupBuilder:
        self._obj["spec"]["minMember"] = value
        return self

    def min_task_member(self, **roles: int) -> PodGroupBuilder:
        self._obj["spec"]["minTaskMember"] = dict(roles)
        return self

    def min_resources(self, **res: str | int) -> PodGroupBuilder:
        self._obj["spec"]["minResources"] = _resources(res)
        return self

    def queue(self, value: str) -> PodGroupBuilder:
        self._obj["spec"]["queue"] = value
        return self

    def phase(self, value: str) -> PodGroupBuilder:
        self._obj["status"]["phase"] = value
        return self

    def priority_class(self, value: str) -> PodGroupBuilder:
        self._obj["spec"]["priorityClassName"] = value
        return self

    def created(self, timestamp: str) -> PodGroupBuilder:
        self._obj["metadata"]["creationTimestamp"] = timestamp
        return self

    def annotate(self, key: str, value: str) -> PodGroupBuilder:
        self._obj["metadata"].setdefault("annotations", {})[key] = value
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._obj)


class PodBuilder:
    def __init__(self, name: str, namespace: str = "default") -> None:
        self._obj: Obj = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "resourceVersion": "11",
                "annotations": {},
                "creationTimestamp": "2026-01-01T00:00:00Z",
            },
            "spec": {"containers": [{"name": "main", "resources": {"requests": {}}}]},
            "status": {"phase": "Pending"},
        }

    def group(self, name: str) -> PodBuilder:
        self._obj["metadata"]["annotations"][labels.GROUP_NAME] = name
        return self

    def role(self, name: str) -> PodBuilder:
        self._obj["metadata"]["annotations"][labels.TASK_SPEC] = name
        return self

    def requests(self, **res: str | int) -> PodBuilder:
        self._obj["spec"]["containers"][0]["resources"]["requests"].update(_resources(res))
        return self

    def on(self, node: str, phase: str = "Running") -> PodBuilder:
        self._obj["spec"]["nodeName"] = node
        self._obj["status"]["phase"] = phase
        return self

    def node_selector(self, **selector: str) -> PodBuilder:
        self._obj["spec"]["nodeSelector"] = dict(selector)
        return self

    def toleration(self, key: str, value: str = "", effect: str = "NoSchedule") -> PodBuilder:
        tol = {"key": key, "operator": "Equal", "value": value, "effect": effect}
        self._obj["spec"].setdefault("tolerations", []).append(tol)
        return self

    def priority_class(self, name: str) -> PodBuilder:
        self._obj["spec"]["priorityClassName"] = name
        return self

    def annotate(self, key: str, value: str) -> PodBuilder:
        self._obj["metadata"]["annotations"][key] = value
        return self

    def label(self, key: str, value: str) -> PodBuilder:
        self._obj["metadata"].setdefault("labels", {})[key] = value
        return self

    def host_port(self, port: int, protocol: str = "TCP") -> PodBuilder:
        ports = self._obj["spec"]["containers"][0].setdefault("ports", [])
        ports.append({"containerPort": port, "hostPort": port, "protocol": protocol})
        return self

    def pod_affinity(self, topology_key: str, anti: bool = False, **match: str) -> PodBuilder:
        """A required (anti-)affinity term on pods with labels ``match`` in ``topology_key``."""
        kind = "podAntiAffinity" if anti else "podAffinity"
        term = {"labelSelector": {"matchLabels": dict(match)}, "topologyKey": topology_key}
        affinity = self._obj["spec"].setdefault("affinity", {}).setdefault(kind, {})
        affinity.setdefault("requiredDuringSchedulingIgnoredDuringExecution", []).append(term)
        return self

    def preemption_policy(self, value: str) -> PodBuilder:
        self._obj["spec"]["preemptionPolicy"] = value
        return self

    def deleting(self) -> PodBuilder:
        self._obj["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:01Z"
        return self

    def resource_version(self, value: int) -> PodBuilder:
        self._obj["metadata"]["resourceVersion"] = str(value)
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._obj)


def _resources(res: Mapping[str, str | int]) -> dict[str, str]:
    out = {}
    for key, value in res.items():
        out[GPU if key == "gpu" else key] = str(value)
    return out


def node(name: str) -> NodeBuilder:
    return NodeBuilder(name)


def queue(name: str) -> QueueBuilder:
    return QueueBuilder(name)


def podgroup(name: str, namespace: str = "default") -> PodGroupBuilder:
    return PodGroupBuilder(name, namespace)


def pod(name: str, namespace: str = "default") -> PodBuilder:
    return PodBuilder(name, namespace)


class Scenario:
    """A cluster plus policy; ``run`` builds a snapshot and runs one session on it."""

    def __init__(self, policy: conf_mod.SchedulerConf | None = None) -> None:
        self.policy = policy or conf_mod.default_conf()
        self._nodes: list[Obj] = []
        self._queues: list[Obj] = [queue("default").obj()]
        self._groups: list[Obj] = []
        self._pods: list[Obj] = []
        self._classes: list[Obj] = []

    def nodes(self, *builders: NodeBuilder) -> Scenario:
        self._nodes.extend(b.obj() for b in builders)
        return self

    def queues(self, *builders: QueueBuilder) -> Scenario:
        names = {b.obj()["metadata"]["name"] for b in builders}
        self._queues = [q for q in self._queues if q["metadata"]["name"] not in names]
        self._queues.extend(b.obj() for b in builders)
        return self

    def groups(self, *builders: PodGroupBuilder) -> Scenario:
        self._groups.extend(b.obj() for b in builders)
        return self

    def pods(self, *builders: PodBuilder) -> Scenario:
        self._pods.extend(b.obj() for b in builders)
        return self

    def priority_class(self, name: str, value: int, default: bool = False) -> Scenario:
        obj: Obj = {"kind": "PriorityClass", "metadata": {"name": name}, "value": value}
        if default:
            obj["globalDefault"] = True
        self._classes.append(obj)
        return self

    def gang(
        self,
        name: str,
        replicas: int,
        min_member: int | None = None,
        group: PodGroupBuilder | None = None,
        **requests: str | int,
    ) -> Scenario:
        """A PodGroup ``name`` with ``replicas`` pending pods ``name-0..``, each requesting ``requests``."""
        builder = group or podgroup(name)
        self.groups(builder.min_member(replicas if min_member is None else min_member))
        self.pods(*(pod(f"{name}-{i}").group(name).requests(**requests) for i in range(replicas)))
        return self

    def snapshot(self) -> framework.Snapshot:
        return framework.build_snapshot(self._nodes, self._pods, self._groups, self._queues, self._classes)

    def run(self, now: float = 1_767_225_600.0) -> framework.SessionResult:
        return framework.run_session(self.snapshot(), self.policy, now)


def policy(actions: str, *tiers: str) -> conf_mod.SchedulerConf:
    """Volcano's default tiers (or the given plugin lists, one string per tier) with ``actions``."""
    plugin_tiers = tiers or ("priority, gang, conformance", "overcommit, drf, predicates, proportion, nodeorder")
    lines = [f'actions: "{actions}"', "tiers:"]
    for tier in plugin_tiers:
        lines.append("- plugins:")
        lines.extend(f"  - name: {name.strip()}" for name in tier.split(","))
    return conf_mod.parse_conf("\n".join(lines) + "\n")


def evicted(result: framework.SessionResult) -> list[str]:
    return sorted(f"{e.namespace}/{e.name}" for e in result.evictions)


def placements(result: framework.SessionResult) -> dict[str, str]:
    return {f"{p.namespace}/{p.name}": p.node for b in result.binds for p in b.pods}


def phases(result: framework.SessionResult) -> dict[str, str]:
    return {f"{u.namespace}/{u.name}": u.phase for u in result.podgroup_updates}


def condition(result: framework.SessionResult, group: str, kind: str) -> dict[str, Any] | None:
    for update in result.podgroup_updates:
        if f"{update.namespace}/{update.name}" == group:
            return next((c for c in update.conditions if c["type"] == kind), None)
    return None
