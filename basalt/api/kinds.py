"""The kinds of object Basalt stores, with the API group/version each is served under.

One table, so the store, the gateway's routes and discovery all agree on names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    kind: str
    plural: str
    api_version: str
    namespaced: bool

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]


JOB = Kind("Job", "jobs", "batch.volcano.sh/v1alpha1", True)
QUEUE = Kind("Queue", "queues", "scheduling.volcano.sh/v1beta1", False)
PODGROUP = Kind("PodGroup", "podgroups", "scheduling.volcano.sh/v1beta1", True)
COMMAND = Kind("Command", "commands", "bus.volcano.sh/v1alpha1", True)
POD = Kind("Pod", "pods", "v1", True)
NODE = Kind("Node", "nodes", "v1", False)
PRIORITY_CLASS = Kind("PriorityClass", "priorityclasses", "scheduling.k8s.io/v1", False)

ALL: tuple[Kind, ...] = (JOB, QUEUE, PODGROUP, COMMAND, POD, NODE, PRIORITY_CLASS)
BY_PLURAL = {k.plural: k for k in ALL}
BY_KIND = {k.kind: k for k in ALL}
