"""Volcano's ``svc`` plugin: stable DNS names and every task's host list.

Each pod gets ``hostname`` (its own name) and ``subdomain`` (the job name), so with the job's
headless Service it resolves as ``<pod>.<job>``. ``VC_<TASK>_HOSTS`` / ``VC_<TASK>_NUM`` carry
every task's hosts. Volcano points those variables at the ``<job>-svc`` ConfigMap; Basalt has no
ConfigMaps, so the values are written inline (same names, same values).
"""

from __future__ import annotations

from basalt.api import meta
from services.controller.materialize import jobspec, naming
from services.controller.materialize.plugins import containers, registry

Obj = meta.Obj

HOSTS_ENV = "VC_{}_HOSTS"
NUM_ENV = "VC_{}_NUM"
HOST_FILE_KEY = "{}.host"
_INJECT_HOSTS_ENV = "inject-hosts-env"


@registry.register("svc")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    spec = pod.setdefault("spec", {})
    spec["hostname"] = spec.get("hostname") or meta.name(pod)
    spec["subdomain"] = spec.get("subdomain") or meta.name(job)
    if not _flag(args, _INJECT_HOSTS_ENV, default=True):
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
        hosts = _task_hosts(job, task)
        key = jobspec.task_name(task).replace("-", "_")
        data[HOST_FILE_KEY.format(key)] = "\n".join(hosts)
        data[HOSTS_ENV.format(key.upper())] = ",".join(hosts)
        data[NUM_ENV.format(key.upper())] = str(len(hosts))
    return data


def _task_hosts(job: Obj, task: Obj) -> list[str]:
    template = jobspec.template_spec(task)
    fixed_host = str(template.get("hostname") or "")
    subdomain = str(template.get("subdomain") or "") or meta.name(job)
    if fixed_host:
        # Every replica shares the template's hostname: Volcano lists it once.
        return [f"{fixed_host}.{subdomain}"] if jobspec.replicas(task) > 0 else []
    return [
        f"{naming.pod_name(meta.name(job), jobspec.task_name(task), i)}.{subdomain}"
        for i in range(jobspec.replicas(task))
    ]


def _env_key(task: Obj) -> str:
    return jobspec.task_name(task).replace("-", "_").upper()


def _flag(args: list[str], name: str, *, default: bool) -> bool:
    """A Go ``flag`` boolean: ``--name``, ``-name``, ``--name=false``; the last one wins."""
    value = default
    for arg in args:
        flag, _, raw = arg.lstrip("-").partition("=")
        if flag == name:
            value = raw.lower() not in ("false", "0", "f") if raw else True
    return value
