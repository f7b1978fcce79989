"""Volcano's ``svc`` plugin: stable DNS names and every task's host list.

Each pod gets ``hostname`` (its own name) and ``subdomain`` (the job name), so with the job's
headless Service it resolves as ``<pod>.<job>``. ``VC_<TASK>_HOSTS`` / ``VC_<TASK>_NUM`` carry
every task's hosts. Volcano points those variables at the ``<job>-svc`` ConfigMap; Basalt has no
ConfigMaps, so the values are written inline (same names, same values), and the host files the
ConfigMap would mount at ``/etc/volcano`` travel as the pod annotation ``basalt.io/svc-hosts`` (JSON,
file name -> content). The agent writes them under the pod's directory and rewrites them when the
controller updates the annotation after the job was scaled (``refreshed_hosts``).
"""

from __future__ import annotations

import json

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.materialize.plugins import containers, flags, registry, roles

Obj = meta.Obj

HOSTS_ENV = "VC_{}_HOSTS"
NUM_ENV = "VC_{}_NUM"
HOST_FILE_KEY = "{}.host"
_INJECT_HOSTS_ENV = "inject-hosts-env"
HOSTS_ANNOTATION = "basalt.io/svc-hosts"


@registry.register("svc")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    spec = pod.setdefault("spec", {})
    spec["hostname"] = spec.get("hostname") or meta.name(pod)
    spec["subdomain"] = spec.get("subdomain") or meta.name(job)
    meta.metadata(pod).setdefault("annotations", {})[HOSTS_ANNOTATION] = hosts_annotation(job)
    if not flags.boolean(args, _INJECT_HOSTS_ENV, default=True):
        return
    hosts = generate_hosts(job)
    env = []
    for task in jobspec.tasks(job):
        env_key = _env_key(task)
        for name in (HOSTS_ENV.format(env_key), NUM_ENV.format(env_key)):
            env.append({"name": name, "value": hosts[name]})
    containers.append_env(pod, env)


def generate_hosts(job: Obj) -> dict[str, str]:
    """``GenerateHosts``: the ``<job>-svc`` ConfigMap data (host file and env values per task)."""
    data: dict[str, str] = {}
    for task in jobspec.tasks(job):
        hosts = roles.task_hosts(job, task)
        key = jobspec.task_name(task).replace("-", "_")
        data[HOST_FILE_KEY.format(key)] = "\n".join(hosts)
        data[HOSTS_ENV.format(key.upper())] = ",".join(hosts)
        data[NUM_ENV.format(key.upper())] = str(len(hosts))
    return data


def host_files(job: Obj) -> dict[str, str]:
    """The ConfigMap's ``<task>.host`` files: one host per line."""
    return {k: v for k, v in generate_hosts(job).items() if k.endswith(".host")}


def hosts_annotation(job: Obj) -> str:
    return json.dumps(host_files(job), sort_keys=True)


def refreshed_hosts(pod: Obj, job: Obj) -> Obj | None:
    """``pod`` with its host files brought up to date with ``job``'s replicas; None when current
    (or when the pod never had them: a pod built without the svc plugin stays without)."""
    current = meta.annotations_of(pod).get(HOSTS_ANNOTATION)
    wanted = hosts_annotation(job)
    if current is None or current == wanted:
        return None
    updated = {**pod, "metadata": {**meta.metadata(pod)}}
    updated["metadata"]["annotations"] = {**meta.annotations_of(pod), HOSTS_ANNOTATION: wanted}
    return updated


def _env_key(task: Obj) -> str:
    return jobspec.task_name(task).replace("-", "_").upper()

