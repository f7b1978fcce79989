"""A task's pod template: the subset of Kubernetes' ``ValidatePodTemplate`` Basalt relies on.

Containers must exist and be uniquely, validly named, and their resource quantities must parse,
be non-negative and keep requests within limits. With a NUMA ``topologyPolicy`` every container
needs a whole number of CPUs (Volcano's ``validateTaskTopoPolicy``).
"""

from __future__ import annotations

from typing import Any

from services.admission.validators import causes, names, quantities, shape

TOPOLOGY_POLICIES = ("none", "best-effort", "restricted", "single-numa-node")


def validate(task: dict[str, Any], index: int, path: str) -> causes.Causes:
    spec_path = f"{path}.template.spec"
    pod_spec = shape.as_dict(shape.as_dict(task.get("template")).get("spec"))
    containers = [c for c in shape.as_list(pod_spec.get("containers")) if isinstance(c, dict)]
    out: causes.Causes = []
    if not containers:
        out.append(causes.required(f"{spec_path}.containers", "Required value"))
    out += _containers(pod_spec, "containers", spec_path)
    out += _containers(pod_spec, "initContainers", spec_path)
    out += _topology_policy(task, pod_spec, index, path)
    return out


def _containers(pod_spec: dict[str, Any], key: str, spec_path: str) -> causes.Causes:
    out: causes.Causes = []
    seen: set[str] = set()
    for path, container in shape.items(pod_spec, key, spec_path):
        name = container.get("name")
        if not name:
            out.append(causes.required(f"{path}.name", "Required value"))
        elif not isinstance(name, str) or names.dns1123_label(name):
            out += [causes.invalid(f"{path}.name", m) for m in names.dns1123_label(str(name))]
        elif name in seen:
            out.append(causes.duplicate(f"{path}.name", f'Duplicate value: "{name}"'))
        seen.add(str(name))
        out += _resources(shape.as_dict(container.get("resources")), f"{path}.resources")
    return out


def _resources(resources: dict[str, Any], path: str) -> causes.Causes:
    out = quantities.check_list(resources.get("limits"), f"{path}.limits")
    out += quantities.check_list(resources.get("requests"), f"{path}.requests")
    if out:
        return out
    limits = quantities.parse_list(resources.get("limits"))
    for name, request in quantities.parse_list(resources.get("requests")).items():
        if name in limits and request > limits[name]:
            limit = quantities.shown(shape.as_dict(resources.get("limits"))[name])
            out.append(causes.invalid(
                f"{path}.requests.{name}",
                f"must be less than or equal to {name} limit of {limit}",
            ))
    return out


def _topology_policy(task: dict[str, Any], pod_spec: dict[str, Any], index: int,
                     path: str) -> causes.Causes:
    policy = task.get("topologyPolicy")
    if not policy or policy == "none":
        return []
    if policy not in TOPOLOGY_POLICIES:
        supported = ", ".join(f'"{p}"' for p in TOPOLOGY_POLICIES)
        return [causes.invalid(f"{path}.topologyPolicy",
                               f'Unsupported value: "{policy}": supported values: {supported}')]
    # Volcano numbers app containers then init containers in one sequence for its message.
    containers = shape.as_list(pod_spec.get("containers"))
    located = [("containers", i, c) for i, c in enumerate(containers)] + [
        ("initContainers", i, c) for i, c in enumerate(shape.as_list(pod_spec.get("initContainers")))
    ]
    for position, (key, own_index, container) in enumerate(located):
        if not _whole_cpus(shape.as_dict(container)):
            return [causes.invalid(
                f"{path}.template.spec.{key}[{own_index}].resources.requests.cpu",
                f"the cpu request isn't an integer in spec.task[{index}] container[{position}].",
            )]
    return []


def _whole_cpus(container: dict[str, Any]) -> bool:
    resources = shape.as_dict(container.get("resources"))
    requests = shape.as_dict(resources.get("requests")) or shape.as_dict(resources.get("limits"))
    cpu = quantities.parse(requests.get("cpu", 0))
    return cpu is not None and cpu.denominator == 1 and cpu > 0
