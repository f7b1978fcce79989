"""A fluent builder of Volcano Jobs whose pods are shell scripts run by the process runtime.

    jobs.job("j").task("master", "exit 0", policies=[jobs.on("TaskCompleted", "CompleteJob")])
                 .task("worker", "sleep 300", replicas=2).obj()
"""

from __future__ import annotations

import copy
from typing import Any

from basalt.api import kinds

Obj = dict[str, Any]
CPU, MEMORY = "100m", "64Mi"  # small: many jobs share the two nodes of the e2e stack


def on(event: str, action: str) -> Obj:
    """A lifecycle policy triggered by a Volcano event."""
    return {"event": event, "action": action}


def on_exit(code: int, action: str) -> Obj:
    """A lifecycle policy triggered by a container's exit code."""
    return {"exitCode": code, "action": action}


class JobBuilder:
    def __init__(self, name: str) -> None:
        self._job: Obj = {"apiVersion": kinds.JOB.api_version, "kind": kinds.JOB.kind, "metadata": {"name": name},
                          "spec": {"schedulerName": "volcano", "queue": "default", "tasks": []}}

    def task(self, name: str, script: str, *, replicas: int = 1, policies: list[Obj] | None = None,
             depends_on: list[str] | None = None, iteration: str | None = None,
             min_available: int | None = None) -> JobBuilder:
        container = {"name": name, "image": "busybox", "command": ["sh", "-c"], "args": [script],
                     "resources": {"requests": {"cpu": CPU, "memory": MEMORY}}}
        task: Obj = {"name": name, "replicas": replicas,
                     "template": {"spec": {"restartPolicy": "Never", "containers": [container]}}}
        if min_available is not None:
            task["minAvailable"] = min_available
        if policies:
            task["policies"] = policies
        if depends_on:
            task["dependsOn"] = {"name": depends_on, **({"iteration": iteration} if iteration else {})}
        self._job["spec"]["tasks"].append(task)
        return self

    def policy(self, policy: Obj) -> JobBuilder:
        self._job["spec"].setdefault("policies", []).append(policy)
        return self

    def plugin(self, name: str, *args: str) -> JobBuilder:
        self._job["spec"].setdefault("plugins", {})[name] = list(args)
        return self

    def set(self, **fields: Any) -> JobBuilder:
        """Spec fields by their Volcano names, e.g. ``maxRetry=2, minAvailable=1``."""
        self._job["spec"].update(fields)
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._job)


def job(name: str) -> JobBuilder:
    return JobBuilder(name)
