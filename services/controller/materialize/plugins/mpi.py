"""Volcano's ``mpi`` plugin: the master learns its workers' hosts in MPI_HOST; ports are opened.

Arguments ``--master`` (default ``master``), ``--worker`` (default ``worker``), ``--port`` (22).
"""

from __future__ import annotations

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.materialize.plugins import flags, registry, roles

Obj = meta.Obj

DEFAULT_PORT = 22
PORT_NAME = "mpijob-port"


@registry.register("mpi")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    master = flags.string(args, "master", "master")
    worker_task = jobspec.find_task(job, flags.string(args, "worker", "worker"))
    port = flags.integer(args, "port", DEFAULT_PORT)
    env = []
    if roles.task_of(pod) == master:
        if worker_task is None:
            return  # no worker task: Volcano leaves the pod untouched
        env = [{"name": "MPI_HOST", "value": ",".join(roles.task_hosts(job, worker_task))}]
    spec = pod.setdefault("spec", {})
    for container in list(spec.get("initContainers") or []) + list(spec.get("containers") or []):
        roles.open_port(container, PORT_NAME, port)
        if env:
            container["env"] = list(container.get("env") or []) + [dict(e) for e in env]
