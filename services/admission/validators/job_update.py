"""Job rules on UPDATE: Volcano's ``validateJobUpdate``.

Only ``minAvailable``, ``priorityClassName`` and each task's ``replicas``/``minAvailable`` may
change; each other changed field is reported at its own path (Volcano reports the first error
with no path).
"""

from __future__ import annotations

import copy
from typing import Any

from services.admission.validators import (
    causes,
    context,
    network_topology,
    shape,
    submission,
    tasks,
)

ONLY_SCALING = (
    "job updates may not change fields other than `minAvailable`, "
    "`tasks[*].replicas under spec` and `PriorityClassName`"
)


def validate_update(new: dict[str, Any], old: dict[str, Any],
                    ctx: context.AdmissionContext) -> causes.Causes:
    new_spec, old_spec = shape.spec(new), shape.spec(old)
    job_name = str((new.get("metadata") or {}).get("name") or "")
    task_list = [t for t in shape.as_list(new_spec.get("tasks")) if isinstance(t, dict)]
    out: causes.Causes = []
    for index, task in enumerate(task_list):
        out += _task_counts(task, f"spec.tasks[{index}]")
        out += tasks.partition_policy(job_name, task, f"spec.tasks[{index}]")
    out += _job_counts(new_spec, task_list)
    out += network_topology.validate(new_spec.get("networkTopology"), "spec.networkTopology")
    if len(shape.as_list(old_spec.get("tasks"))) != len(shape.as_list(new_spec.get("tasks"))):
        out.append(causes.forbidden("spec.tasks", "job updates may not add or remove tasks"))
    else:
        out += [causes.forbidden(path, ONLY_SCALING) for path in frozen_changes(new_spec, old_spec)]
    priority = str(new_spec.get("priorityClassName") or "")
    if priority != str(old_spec.get("priorityClassName") or ""):
        out += submission.priority_class(ctx, priority, "spec.priorityClassName")
    return out


def _task_counts(task: dict[str, Any], path: str) -> causes.Causes:
    name = task.get("name") or ""
    replicas = shape.as_int(task.get("replicas"))
    min_available = task.get("minAvailable")
    if replicas < 0:
        return [causes.invalid(f"{path}.replicas", f"'replicas' must be >= 0 in task: {name}")]
    if min_available is not None and min_available < 0:
        return [causes.invalid(f"{path}.minAvailable",
                               f"'minAvailable' must be >= 0 in task: {name}")]
    if min_available is not None and min_available > replicas:
        return [causes.invalid(f"{path}.minAvailable",
                               f"'minAvailable' must be <= 'replicas' in task: {name}")]
    return []


def _job_counts(spec: dict[str, Any], task_list: list[dict[str, Any]]) -> causes.Causes:
    min_available = shape.as_int(spec.get("minAvailable"))
    if min_available > sum(shape.as_int(t.get("replicas")) for t in task_list):
        return [causes.invalid("spec.minAvailable",
                               "job 'minAvailable' must not be greater than total replicas")]
    if min_available < 0:
        return [causes.invalid("spec.minAvailable", "job 'minAvailable' must be >= 0")]
    return []


def frozen_changes(new_spec: dict[str, Any], old_spec: dict[str, Any]) -> list[str]:
    """Paths that differ once the fields an update may change are taken from the old spec."""
    candidate = copy.deepcopy(new_spec)
    for key in ("minAvailable", "priorityClassName"):
        _copy_key(old_spec, candidate, key)
    for old_task, new_task in zip(shape.as_list(old_spec.get("tasks")),
                                  shape.as_list(candidate.get("tasks"))):
        for key in ("replicas", "minAvailable"):
            _copy_key(shape.as_dict(old_task), shape.as_dict(new_task), key)
    return _diff(_normalized(_without_claim_names(candidate)),
                 _normalized(_without_claim_names(copy.deepcopy(old_spec))), "spec")


def _copy_key(source: dict[str, Any], target: dict[str, Any], key: str) -> None:
    if key in source:
        target[key] = source[key]
    else:
        target.pop(key, None)


def _without_claim_names(spec: dict[str, Any]) -> dict[str, Any]:
    # The controller fills volumeClaimName for claims it creates, so it never counts as a change.
    for volume in shape.as_list(spec.get("volumes")):
        if isinstance(volume, dict) and volume.get("volumeClaim") is not None:
            volume.pop("volumeClaimName", None)
    return spec


def _normalized(value: Any) -> Any:
    """Go's view of JSON: absent, null and empty values are all the zero value."""
    if isinstance(value, dict):
        items = {k: _normalized(v) for k, v in value.items()}
        return {k: v for k, v in items.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _diff(new: Any, old: Any, path: str) -> list[str]:
    if isinstance(new, dict) and isinstance(old, dict):
        keys = list(dict.fromkeys([*new, *old]))
        return [p for k in keys for p in _diff(new.get(k), old.get(k), f"{path}.{k}")]
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [p for i, (n, o) in enumerate(zip(new, old)) for p in _diff(n, o, f"{path}[{i}]")]
    return [] if new == old else [path]
