"""Volcano's ``pytorch`` plugin: MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK for torch.distributed.

Arguments ``--master`` (task name, default ``master``), ``--worker`` (default ``worker``) and
``--port`` (default 23456). The master's rank is 0, worker ``i`` has rank ``i + 1``, and the world
size counts the master's and the workers' replicas. MASTER_ADDR is the master's DNS name, as in
Volcano; the process runtime resolves job DNS names to this machine.
"""

from __future__ import annotations

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.materialize.plugins import flags, registry, roles

Obj = meta.Obj

DEFAULT_PORT = 23456
PORT_NAME = "pytorchjob-port"


@registry.register("pytorch")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    master = flags.string(args, "master", "master")
    worker = flags.string(args, "worker", "worker")
    port = flags.integer(args, "port", DEFAULT_PORT)
    master_task = jobspec.find_task(job, master)
    if master_task is None:
        return  # Volcano logs "job doesn't have task master" and leaves the pod alone
    task = roles.task_of(pod)
    env = [{"name": "MASTER_ADDR", "value": roles.domain_name(job, master_task, 0)},
           {"name": "MASTER_PORT", "value": str(port)},
           {"name": "WORLD_SIZE", "value": str(world_size(job, master, worker))}]
    rank = _rank(pod, task, master, worker)
    if rank is not None:
        env.append({"name": "RANK", "value": str(rank)})
    for container in pod.setdefault("spec", {}).get("containers") or []:
        roles.open_port(container, PORT_NAME, port)
        container["env"] = list(container.get("env") or []) + [dict(e) for e in env]


def world_size(job: Obj, master: str, worker: str) -> int:
    return sum(jobspec.replicas(t) for t in jobspec.tasks(job) if jobspec.task_name(t) in (master, worker))


def _rank(pod: Obj, task: str, master: str, worker: str) -> int | None:
    if task == master:
        return 0
    if task == worker:
        index = roles.index_of(pod)
        return None if index is None else index + 1
    return None
