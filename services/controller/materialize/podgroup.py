"""Build a Job's PodGroup, and bring an existing one in line with the Job (scaling)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from basalt.api import kinds, labels, meta
from services.controller.materialize import jobspec, keys, minresources, naming, objects

Obj = meta.Obj


def build_podgroup(job: Obj, priorities: Mapping[str, int] | None = None) -> Obj:
    """The PodGroup Volcano's ``createOrUpdatePodGroup`` creates for ``job``.

    ``priorities`` maps PriorityClass name to value, for ordering tasks in ``minResources``.
    """
    spec: dict[str, Any] = {
        "minMember": jobspec.min_available(job),
        "minTaskMember": min_task_members(job),
        "queue": jobspec.queue(job),
        "minResources": minresources.render(minresources.min_resources(job, priorities)),
    }
    if jobspec.priority_class_name(job):
        spec["priorityClassName"] = jobspec.priority_class_name(job)
    topology = _network_topology(jobspec.spec(job).get("networkTopology"))
    if topology:
        spec["networkTopology"] = topology
    sub_groups = sub_group_policies(job)
    if sub_groups:
        spec["subGroupPolicy"] = sub_groups
    metadata: dict[str, Any] = {
        "name": naming.podgroup_name(job),
        "namespace": meta.namespace(job),
        "ownerReferences": [naming.controller_ref(job)],
    }
    if objects.annotations_of(job):
        metadata["annotations"] = objects.annotations_of(job)
    if meta.labels(job):
        metadata["labels"] = dict(meta.labels(job))
    return {
        "apiVersion": kinds.PODGROUP.api_version,
        "kind": kinds.PODGROUP.kind,
        "metadata": metadata,
        "spec": spec,
        "status": {"phase": "Pending"},
    }


def updated_podgroup(podgroup: Obj, job: Obj, priorities: Mapping[str, int] | None = None) -> Obj | None:
    """``shouldUpdateExistingPodGroup``: the group with the job's current gang, or None if same."""
    wanted = build_podgroup(job, priorities)["spec"]
    updated = copy.deepcopy(podgroup)
    spec = updated.setdefault("spec", {})
    for field in ("priorityClassName", "minMember", "minResources", "subGroupPolicy"):
        if spec.get(field) != wanted.get(field):
            _set_or_drop(spec, field, wanted.get(field))
    members = dict(spec.get("minTaskMember") or {})
    members.update(wanted["minTaskMember"])
    spec["minTaskMember"] = members
    return None if updated == podgroup else updated


def min_task_members(job: Obj) -> dict[str, int]:
    return {jobspec.task_name(t): jobspec.min_task_member(t) for t in jobspec.tasks(job)}


def sub_group_policies(job: Obj) -> list[dict[str, Any]]:
    """``setPgSubGroupPolicy``: one sub-group per task with a partition policy."""
    policies = []
    for task in jobspec.tasks(job):
        partition = task.get("partitionPolicy")
        if partition is None:
            continue
        policy: dict[str, Any] = {
            "name": jobspec.task_name(task),
            "subGroupSize": int(partition.get("partitionSize") or 0),
            "minSubGroups": int(partition.get("minPartitions") or 0),
            "labelSelector": {"matchLabels": {labels.TASK_SPEC: jobspec.task_name(task)}},
            "matchLabelKeys": [keys.TASK_PARTITION_ID],
        }
        topology = _network_topology(partition.get("networkTopology"), keep_both=True)
        if topology:
            policy["networkTopology"] = topology
        policies.append(policy)
    return policies


def _network_topology(source: Mapping[str, Any] | None, *, keep_both: bool = False) -> dict[str, Any]:
    if not source:
        return {}
    topology: dict[str, Any] = {"mode": source.get("mode", "")}
    if source.get("highestTierAllowed") is not None:
        topology["highestTierAllowed"] = source["highestTierAllowed"]
        if not keep_both:
            return topology
    if source.get("highestTierName"):
        topology["highestTierName"] = source["highestTierName"]
    return topology


def _set_or_drop(spec: dict[str, Any], field: str, value: Any) -> None:
    if value is None:
        spec.pop(field, None)
    else:
        spec[field] = value
