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
    tokens_file: str = ""
    """Bearer tokens (YAML or CSV): token -> subject, namespaces (a list or "*") and verbs (read,
    write, admin). Empty: no token is valid."""
    allow_anonymous: bool = False
    """Serve requests without an Authorization header as an anonymous user allowed everything.
    ``basalt up`` turns it on for a local stack; shipped deployments leave it off."""
    watch_start_seconds: float = 0.5
    """How long a watch waits for the controller's first event before sending its 200 headers, so
    a resourceVersion that is too old is answered with a 410 Status rather than an ERROR event."""
    log_follow_seconds: float = 3600.0
    """Longest a ``follow=true`` log stream stays open."""
    log_poll_max_seconds: float = 2.0
    """Longest pause between two log polls of a followed pod (the pause doubles from 50 ms while
    nothing new arrives)."""
