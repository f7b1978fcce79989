"""Resource vectors: a mapping of resource name to integer milli-units.

Kept as plain ``dict[str, int]`` so that the pure scheduler core, the store's accounting and the
controller all speak the same thing without conversions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from basalt.api import quantity

Resources = dict[str, int]

CPU = "cpu"
MEMORY = "memory"
PODS = "pods"


def from_quantities(spec: Mapping[str, Any] | None) -> Resources:
    """Convert a Kubernetes resource list (``{"cpu": "500m", "memory": "1Gi"}``) to milli-units."""
    return {name: quantity.to_milli(value) for name, value in (spec or {}).items()}


def is_schedulable(name: str) -> bool:
    """Whether a resource list key is a resource the scheduler places (Volcano's NewResource).

    A PodGroup's ``minResources`` uses quota keys too (``requests.cpu``, ``limits.memory``,
    ``count/pods``); those are not node resources and are skipped, as is ``pods`` (a slot count
    tracked per node). Kept: cpu, memory, ephemeral-storage, hugepages and extended resources
    (a domain-prefixed name such as ``nvidia.com/gpu``).
    """
    if name in (CPU, MEMORY, "ephemeral-storage") or name.startswith("hugepages-"):
        return True
    if name.startswith(("count/", "requests.", "limits.")):
        return False
    return "/" in name


def schedulable(res: Mapping[str, int]) -> Resources:
    return {name: value for name, value in res.items() if is_schedulable(name)}


def to_quantities(res: Mapping[str, int]) -> dict[str, str]:
    """Render milli-units back into a Kubernetes resource list."""
    return {name: quantity.format_milli(name, value) for name, value in sorted(res.items())}


def add(a: Mapping[str, int], b: Mapping[str, int]) -> Resources:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, 0) + value
    return out


def sub(a: Mapping[str, int], b: Mapping[str, int]) -> Resources:
    out = dict(a)
    for name, value in b.items():
        out[name] = out.get(name, 0) - value
    return out


def total(items: Iterable[Mapping[str, int]]) -> Resources:
    out: Resources = {}
    for item in items:
        for name, value in item.items():
            out[name] = out.get(name, 0) + value
    return out


def fits(request: Mapping[str, int], free: Mapping[str, int]) -> bool:
    """True when every requested resource is available (missing resources count as zero)."""
    return all(value <= free.get(name, 0) for name, value in request.items() if value > 0)


def insufficient(request: Mapping[str, int], free: Mapping[str, int]) -> list[str]:
    """The names of the resources that do not fit, sorted, for "why pending" messages."""
    return sorted(name for name, value in request.items() if value > free.get(name, 0) and value > 0)


def pod_requests(pod: Mapping[str, Any]) -> Resources:
    """Sum of a pod's container requests (limits stand in for missing requests, as in Kubernetes).

    Init containers run one at a time before the app containers, so a pod needs the larger of
    their largest request and the sum of its containers' requests, per resource.
    """
    spec = pod.get("spec") or {}
    containers = total(_container_requests(c) for c in spec.get("containers") or [])
    for init in spec.get("initContainers") or []:
        for name, value in _container_requests(init).items():
            containers[name] = max(containers.get(name, 0), value)
    return containers


def _container_requests(container: Mapping[str, Any]) -> Resources:
    res = container.get("resources") or {}
    merged = dict(res.get("limits") or {})
    merged.update(res.get("requests") or {})
    return from_quantities(merged)
