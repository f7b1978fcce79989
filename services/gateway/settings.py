"""Gateway settings (BASALT_* environment variables)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    listen_host: str = "127.0.0.1"
    """Interface the HTTP server binds to."""
    port: int = 8080
    """HTTP port; 0 picks a free port (serve() reports the bound one)."""
    controller: str = "127.0.0.1:7001"
    """gRPC address (host:port) of the controller that serves JobService, PodService and PodGroupService."""
    max_body_bytes: int = 3 * 1024 * 1024
    """Largest request body accepted; larger bodies get 413, as the Kubernetes API server does."""
    rpc_timeout: float = 30.0
    """Seconds to wait for the controller on one call before answering 503."""
