"""What the distributed-framework plugins share: a task's DNS names and a pod's place in its task."""

from __future__ import annotations

from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec, naming, scaling

Obj = meta.Obj


def domain_name(job: Obj, task: Obj, index: int) -> str:
    """``helpers.MakeDomainName``: ``<hostname or pod name>.<subdomain or job name>``."""
    template = jobspec.template_spec(task)
    host = str(template.get("hostname") or "") or naming.pod_name(meta.name(job), jobspec.task_name(task), index)
    subdomain = str(template.get("subdomain") or "") or meta.name(job)
    return f"{host}.{subdomain}"


def task_hosts(job: Obj, task: Obj) -> list[str]:
    """Every replica's domain name; a template with a fixed hostname lists it once (as Volcano)."""
    if jobspec.template_spec(task).get("hostname"):
        return [domain_name(job, task, 0)] if jobspec.replicas(task) > 0 else []
    return [domain_name(job, task, i) for i in range(jobspec.replicas(task))]


def task_of(pod: Obj) -> str:
    """``helpers.GetTaskKey``: the task-spec annotation."""
    return scaling.task_of(pod)


def index_of(pod: Obj) -> int | None:
    """``GetPodIndexUnderTask`` as a number; None when the pod name carries none."""
    raw = naming.pod_index(pod)
    return int(raw) if raw.isdigit() else None


def open_port(container: dict[str, Any], name: str, port: int) -> None:
    """Declare ``port`` on the container unless it already is (``openContainerPort``)."""
    ports = list(container.get("ports") or [])
    if not any(int(p.get("containerPort") or 0) == port for p in ports):
        ports.append({"name": name, "containerPort": port})
    container["ports"] = ports
