"""What a pod's spec asks of its neighbours: host ports and inter-pod (anti-)affinity terms.

Parsed by the snapshot once per pod record (so a session knows at once whether any pod uses
them) and by the predicates and nodeorder plugins when they place a pod.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Term = Mapping[str, Any]

ANY_IP = "0.0.0.0"

Port = tuple[str, str, int]  # (host IP, protocol, host port)


def ports(pod: Mapping[str, Any]) -> list[Port]:
    spec = pod.get("spec") or {}
    out = []
    for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        for port in container.get("ports") or []:
            host_port = int(port.get("hostPort") or 0)
            if host_port > 0:
                out.append((str(port.get("hostIP") or ANY_IP), str(port.get("protocol") or "TCP"), host_port))
    return out


def has_ports(pod: Mapping[str, Any]) -> bool:
    return bool(ports(pod))


def _has_affinity(pod: Mapping[str, Any]) -> bool:
    return bool((pod.get("spec") or {}).get("affinity"))


def required(pod: Mapping[str, Any], kind: str) -> list[Term]:
    affinity = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    return list(affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or [])


def has_anti_affinity(pod: Mapping[str, Any]) -> bool:
    return bool(required(pod, "podAntiAffinity"))


def has_terms(pod: Mapping[str, Any]) -> bool:
    # Asked of every pod at session open: most pods have no affinity at all.
    return _has_affinity(pod) and bool(required(pod, "podAffinity") or required(pod, "podAntiAffinity"))


def preferred(pod: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    affinity = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    return list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or [])


def has_preferred(pod: Mapping[str, Any]) -> bool:
    return _has_affinity(pod) and bool(preferred(pod, "podAffinity") or preferred(pod, "podAntiAffinity"))


def uses(pod: Mapping[str, Any]) -> tuple[bool, bool, bool]:
    """(host ports, required pod (anti-)affinity, preferred pod (anti-)affinity) in one pass."""
    if not _has_affinity(pod):
        return has_ports(pod), False, False
    return has_ports(pod), has_terms(pod), has_preferred(pod)
