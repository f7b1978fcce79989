"""Addresses an instance writes into its lease, for the others to dial."""

from __future__ import annotations

import socket

WILDCARDS = frozenset({"", "0.0.0.0", "::", "[::]"})


def advertised(host: str, port: int) -> str:
    """``host:port`` as another process can reach it. A wildcard bind (``0.0.0.0``, as in the
    compose and Kubernetes deployments) is no address to dial from elsewhere: the host name's
    address is (a pod's IP on Kubernetes, the container's on compose)."""
    if host in WILDCARDS:
        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = "127.0.0.1"  # no resolvable host name: only local peers could dial us anyway
    return f"{host}:{port}"
