"""Admission service settings (BASALT_* environment variables)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    """The shared store; admission reads queues and priority classes from it."""
    listen: str = "127.0.0.1:7002"
    """gRPC address to serve AdmissionService on (port 0 picks a free port)."""
