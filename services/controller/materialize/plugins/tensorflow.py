"""Volcano's ``tensorflow`` plugin: TF_CONFIG with the cluster spec and this pod's task.

Arguments ``--ps``, ``--worker``, ``--chief``, ``--evaluator`` (task names, defaulting to the role
names) and ``--port`` (default 2222). A job of a single task with one replica gets nothing.
"""

from __future__ import annotations

import json
from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.materialize.plugins import flags, registry, roles

Obj = meta.Obj

DEFAULT_PORT = 2222
ROLES = ("ps", "worker", "chief", "evaluator")


@registry.register("tensorflow")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    tasks = jobspec.tasks(job)
    if len(tasks) == 1 and jobspec.replicas(tasks[0]) == 1:
        return
    index = roles.index_of(pod)
    if index is None:
        return  # Volcano fails the pod creation on a name without an index
    value = json.dumps(cluster_spec(pod, job, args, index), separators=(",", ":"))
    for container in pod.setdefault("spec", {}).get("containers") or []:
        container["env"] = list(container.get("env") or []) + [{"name": "TF_CONFIG", "value": value}]


def cluster_spec(pod: Obj, job: Obj, args: list[str], index: int) -> dict[str, Any]:
    """``generateTFClusterSpec``: hosts per role (roles without a task omitted), then the task."""
    port = flags.integer(args, "port", DEFAULT_PORT)
    task_for_role = {role: flags.string(args, role, role) for role in ROLES}
    cluster: dict[str, list[str]] = {}
    for task in jobspec.tasks(job):
        hosts = [f"{roles.domain_name(job, task, i)}:{port}" for i in range(jobspec.replicas(task))]
        for role in ROLES:
            if jobspec.task_name(task) == task_for_role[role] and hosts:
                cluster[role] = hosts  # omitempty: an empty list is left out, as Go's json does
    own = roles.task_of(pod)
    role = next((r for r in ROLES if task_for_role[r] == own), own)
    return {"cluster": cluster, "task": {"type": role, "index": index}}
