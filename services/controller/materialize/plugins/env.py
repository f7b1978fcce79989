"""Volcano's ``env`` plugin: every container learns its pod's index within the task."""

from __future__ import annotations

from basalt.api import meta
from services.controller.materialize import naming
from services.controller.materialize.plugins import containers, registry

Obj = meta.Obj

TASK_VK_INDEX = "VK_TASK_INDEX"
TASK_INDEX = "VC_TASK_INDEX"


@registry.register("env")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    index = naming.pod_index(pod)
    containers.append_env(pod, [{"name": TASK_VK_INDEX, "value": index}, {"name": TASK_INDEX, "value": index}])
