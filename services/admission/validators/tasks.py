"""Per-task rules of a Job on CREATE (Volcano's webhook loop over ``spec.tasks``, plus the CRD).

Messages are Volcano's, including the ones it moved to its CRD schema and admission policy.
"""

from __future__ import annotations

from typing import Any

from services.admission.validators import (
    causes,
    names,
    network_topology,
    pod_template,
    policies,
    shape,
)

TASK_FIELDS = {
    "name": "string", "replicas": "integer", "minAvailable": "integer", "maxRetry": "integer",
    "template": "object", "dependsOn": "object", "partitionPolicy": "object",
    "topologyPolicy": "string",
}


def check_shape(task: dict[str, Any], path: str) -> causes.Causes:
    return shape.check_fields(task, TASK_FIELDS, path) + policies.check_shape(task, path)


def validate(job_name: str, task: dict[str, Any], index: int, path: str) -> causes.Causes:
    name = str(task.get("name") or "")
    out = counts(job_name, task, path)
    out += [causes.invalid(f"{path}.name", m) for m in names.dns1123_label(name)]
    out += policies.validate(task, path)
    pod_name = f"{job_name}-{name}-{index}"
    pod_errors = names.qualified_name(pod_name)
    if pod_errors:
        out.append(causes.invalid(
            f"{path}.name",
            f"create pod with name {pod_name} validate failed {names.go_list(pod_errors)}",
        ))
    out += pod_template.validate(task, index, path)
    out += partition_policy(job_name, task, path)
    return out


def counts(job_name: str, task: dict[str, Any], path: str) -> causes.Causes:
    name = task.get("name") or ""
    replicas = shape.as_int(task.get("replicas"))
    min_available = task.get("minAvailable")
    out: causes.Causes = []
    if replicas < 0:
        out.append(causes.invalid(f"{path}.replicas",
                                  f"'replicas' < 0 in task: {name}, job: {job_name}"))
    if min_available is not None and min_available < 0:
        out.append(causes.invalid(f"{path}.minAvailable",
                                  f"'minAvailable' < 0 in task: {name}, job: {job_name}"))
    elif min_available is not None and min_available > replicas:
        out.append(causes.invalid(
            f"{path}.minAvailable",
            f"'minAvailable' is greater than 'replicas' in task: {name}, job: {job_name}",
        ))
    if shape.as_int(task.get("maxRetry")) < 0:
        out.append(causes.minimum(f"{path}.maxRetry", 0))
    return out


def partition_policy(job_name: str, task: dict[str, Any], path: str) -> causes.Causes:
    """Volcano's ``validatePartitionPolicy``: the partitions must tile the replicas exactly."""
    policy = task.get("partitionPolicy")
    if not isinstance(policy, dict):
        return []
    field = f"{path}.partitionPolicy"
    where = f"in task: {task.get('name') or ''}, job: {job_name}"
    total = shape.as_int(policy.get("totalPartitions"))
    size = shape.as_int(policy.get("partitionSize"))
    min_partitions = shape.as_int(policy.get("minPartitions"))
    min_available = task.get("minAvailable")
    out: causes.Causes = []
    if total <= 0:
        out.append(causes.invalid(f"{field}.totalPartitions",
                                  f"'TotalPartitions' must be greater than 0 {where}"))
    elif size <= 0:
        out.append(causes.invalid(f"{field}.partitionSize",
                                  f"'PartitionSize' must be greater than 0 {where}"))
    elif shape.as_int(task.get("replicas")) != total * size:
        out.append(causes.invalid(
            f"{path}.replicas", f"'Replicas' are not equal to TotalPartitions*PartitionSize {where}"))
    elif min_available is not None and min_partitions > 0 and min_partitions * size != min_available:
        out.append(causes.invalid(
            f"{path}.minAvailable",
            f"'MinAvailable' is not equal to MinPartitions*PartitionSize {where}",
        ))
    out += network_topology.validate(policy.get("networkTopology"), f"{field}.networkTopology")
    return out
