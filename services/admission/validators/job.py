"""Job rules on CREATE: Volcano's ``validateJobCreate`` plus the checks it moved to its CRD schema
and ValidatingAdmissionPolicy, all reported together, each at its field."""

from __future__ import annotations

from typing import Any

from services.admission.validators import (
    causes,
    context,
    dependencies,
    names,
    network_topology,
    policies,
    shape,
    submission,
    tasks,
    volumes,
)

# Job plugins Volcano's controller registers.
KNOWN_PLUGINS = frozenset({"ssh", "env", "svc", "tensorflow", "mpi", "pytorch", "hcclrank", "ray"})
MPI = "mpi"
MPI_DEFAULT_MASTER = "master"

SPEC_FIELDS = {
    "schedulerName": "string", "minAvailable": "integer", "volumes": "array", "tasks": "array",
    "plugins": "object", "queue": "string", "maxRetry": "integer",
    "ttlSecondsAfterFinished": "integer", "priorityClassName": "string", "minSuccess": "integer",
    "networkTopology": "object",
}


def check_shape(job: dict[str, Any]) -> causes.Causes:
    """Type errors that would make the other rules meaningless; checked before defaulting."""
    out = shape.check(job.get("spec"), "object", "spec")
    spec = shape.spec(job)
    out += shape.check_fields(spec, SPEC_FIELDS, "spec")
    out += shape.check_items(spec, "tasks", "spec")
    for path, task in shape.items(spec, "tasks", "spec"):
        out += tasks.check_shape(task, path)
    out += policies.check_shape(spec, "spec")
    out += shape.check_items(spec, "volumes", "spec")
    for name, args in shape.as_dict(spec.get("plugins")).items():
        out += shape.check(args, "array", f"spec.plugins[{name}]")
    return out


def validate_create(job: dict[str, Any], ctx: context.AdmissionContext) -> causes.Causes:
    spec = shape.spec(job)
    job_name = str((job.get("metadata") or {}).get("name") or "")
    task_list = [t for t in shape.as_list(spec.get("tasks")) if isinstance(t, dict)]
    out = bounds(spec)
    if not task_list:
        out.append(causes.required("spec.tasks", "No task specified in job spec"))
    out += mpi_master(spec, task_list)
    out += network_topology.validate(spec.get("networkTopology"), "spec.networkTopology")
    out += task_names(task_list)
    for index, task in enumerate(task_list):
        out += tasks.validate(job_name, task, index, f"spec.tasks[{index}]")
    job_name_errors = names.qualified_name(job_name)
    if job_name_errors:
        out.append(causes.invalid(
            "metadata.name",
            f"create job with name {job_name} validate failed {names.go_list(job_name_errors)}",
        ))
    total = sum(shape.as_int(t.get("replicas")) for t in task_list)
    if total < shape.as_int(spec.get("minAvailable")):
        out.append(causes.invalid(
            "spec.minAvailable",
            "job 'minAvailable' should not be greater than total replicas in tasks",
        ))
    out += policies.validate(spec, "spec")
    out += plugins(spec)
    out += volumes.validate(spec)
    out += submission.job_queue(ctx, str(spec.get("queue") or ""), "spec.queue")
    out += submission.priority_class(
        ctx, str(spec.get("priorityClassName") or ""), "spec.priorityClassName")
    out += dependencies.validate(task_list)
    return out


def bounds(spec: dict[str, Any]) -> causes.Causes:
    """The CRD schema's minimums, with the messages Volcano's webhook and policy use."""
    out: causes.Causes = []
    if shape.as_int(spec.get("minAvailable")) < 0:
        out.append(causes.invalid("spec.minAvailable", "job 'minAvailable' must be >= 0"))
    if shape.as_int(spec.get("maxRetry")) < 0:
        out.append(causes.invalid("spec.maxRetry", "'maxRetry' cannot be less than zero"))
    ttl = spec.get("ttlSecondsAfterFinished")
    if ttl is not None and ttl < 0:
        out.append(causes.invalid("spec.ttlSecondsAfterFinished",
                                  "'ttlSecondsAfterFinished' cannot be less than zero"))
    min_success = spec.get("minSuccess")
    if min_success is not None and min_success < 1:
        out.append(causes.minimum("spec.minSuccess", 1))
    return out


def task_names(task_list: list[dict[str, Any]]) -> causes.Causes:
    out: causes.Causes = []
    seen: set[str] = set()
    for index, task in enumerate(task_list):
        name = str(task.get("name") or "")
        if name in seen:
            out.append(causes.duplicate(f"spec.tasks[{index}].name", f"duplicated task name {name}"))
        seen.add(name)
    return out


def plugins(spec: dict[str, Any]) -> causes.Causes:
    return [
        causes.not_found(f"spec.plugins[{name}]", f"unable to find job plugin: {name}")
        for name in shape.as_dict(spec.get("plugins"))
        if name not in KNOWN_PLUGINS
    ]


def mpi_master(spec: dict[str, Any], task_list: list[dict[str, Any]]) -> causes.Causes:
    plugin_map = shape.as_dict(spec.get("plugins"))
    if MPI not in plugin_map:
        return []
    master = flag_value(shape.as_list(plugin_map[MPI]), "master") or MPI_DEFAULT_MASTER
    if any(t.get("name") == master for t in task_list):
        return []
    return [causes.not_found(f"spec.plugins[{MPI}]", "The specified mpi master task was not found")]


def flag_value(args: list[Any], flag: str) -> str | None:
    """The value of ``--flag=v``, ``-flag=v`` or ``--flag v`` in Go ``flag`` style arguments."""
    for position, arg in enumerate(str(a) for a in args):
        key, sep, value = arg.lstrip("-").partition("=")
        if not arg.startswith("-") or key != flag:
            continue
        if sep:
            return value
        return str(args[position + 1]) if position + 1 < len(args) else None
    return None
