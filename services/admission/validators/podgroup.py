"""PodGroup rules: Volcano's ``validate_podgroup.go`` (CREATE only) plus the CRD's bounds."""

from __future__ import annotations

from typing import Any

from services.admission.validators import (
    causes,
    context,
    network_topology,
    quantities,
    shape,
    submission,
)

SUBGROUP_BOTH_TIERS = (
    "in subGroupPolicy '{name}': must not specify 'highestTierAllowed' and 'highestTierName' "
    "in networkTopology simultaneously."
)


def check_shape(podgroup: dict[str, Any]) -> causes.Causes:
    out = shape.check(podgroup.get("spec"), "object", "spec")
    out += shape.check_fields(shape.spec(podgroup), {
        "minMember": "integer", "queue": "string", "priorityClassName": "string",
        "minResources": "object", "minTaskMember": "object", "networkTopology": "object",
        "subGroupPolicy": "array",
    }, "spec")
    return out


def validate(podgroup: dict[str, Any], ctx: context.AdmissionContext, creating: bool) -> causes.Causes:
    spec = shape.spec(podgroup)
    out = bounds(spec)
    if not creating:
        return out
    out += submission.podgroup_queue(ctx, str(spec.get("queue") or ""), "spec.queue")
    out += network_topology.validate(spec.get("networkTopology"), "spec.networkTopology",
                                     network_topology.BOTH_TIERS + ".")
    for path, policy in shape.items(spec, "subGroupPolicy", "spec"):
        found = network_topology.validate(
            policy.get("networkTopology"), f"{path}.networkTopology",
            SUBGROUP_BOTH_TIERS.format(name=policy.get("name") or ""))
        out += found
        if found:
            break  # Volcano reports the first such subgroup only
    return out


def bounds(spec: dict[str, Any]) -> causes.Causes:
    out: causes.Causes = []
    if shape.as_int(spec.get("minMember")) < 0:
        out.append(causes.minimum("spec.minMember", 0))
    for name, count in shape.as_dict(spec.get("minTaskMember")).items():
        if shape.is_int(count) and count < 0:
            out.append(causes.minimum(f"spec.minTaskMember[{name}]", 0))
    out += quantities.check_list(spec.get("minResources"), "spec.minResources")
    return out
