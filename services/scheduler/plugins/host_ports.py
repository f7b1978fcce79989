"""Host ports (Kubernetes' NodePorts filter): two pods cannot bind the same host port and
protocol on one node, unless both name different host IPs (0.0.0.0 or none means every IP)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from services.scheduler.framework import nodes
from services.scheduler.plugins import pod_index

REASON = "node(s) didn't have free ports for the requested pod ports"
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


def _conflict(a: Port, b: Port) -> bool:
    return a[1:] == b[1:] and (a[0] == b[0] or ANY_IP in (a[0], b[0]))


def conflicts(wanted: list[Port], index: pod_index.PodIndex, matrix: nodes.NodeMatrix) -> nodes.Mask:
    out = np.zeros(len(matrix), dtype=np.bool_)
    for placed in index:
        row = matrix.index.get(placed.node)
        if row is None or out[row]:
            continue
        taken = ports(placed.pod)
        out[row] = any(_conflict(w, t) for w in wanted for t in taken)
    return out
