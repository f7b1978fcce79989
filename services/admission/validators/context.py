"""What admission may look up, and the knobs Volcano's webhook manager exposes as flags.

The service implements :class:`AdmissionContext` over the store; tests use a dict-backed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

ROOT_QUEUE = "root"
DEFAULT_QUEUE = "default"
OPEN = "Open"


class AdmissionContext(Protocol):
    def get_queue(self, name: str) -> dict[str, Any] | None:
        """The stored Queue, or None."""

    def list_queues(self) -> list[dict[str, Any]]:
        """Every stored Queue (hierarchy checks need children, siblings and ancestors)."""

    def get_priority_class(self, name: str) -> dict[str, Any] | None:
        """The stored PriorityClass, or None."""


@dataclass(frozen=True)
class Options:
    """Volcano webhook-manager flags, with its defaults."""

    scheduler_names: tuple[str, ...] = ("volcano",)
    """``--scheduler-name``: the first is the Job's default ``spec.schedulerName``."""
    max_queue_depth: int = 5
    """``--max-queue-depth``: deepest allowed queue hierarchy."""
    enable_root_queue_protection: bool = True
    """``--enable-root-queue-protection``: root's capability/deserved/guarantee are frozen."""
    enable_queue_allocated_pods_check: bool = False
    """``--enable-queue-allocated-pods-check``: refuse deleting a queue with allocated pods."""


def queue_not_found(name: str) -> str:
    """The lister's NotFound error text, which Volcano embeds in its messages."""
    return f'queue.scheduling.volcano.sh "{name}" not found'


def parent_of(queue: dict[str, Any]) -> str:
    return str((queue.get("spec") or {}).get("parent") or "")


def queue_name(queue: dict[str, Any]) -> str:
    return str((queue.get("metadata") or {}).get("name") or "")


def queue_state(queue: dict[str, Any]) -> str:
    return str((queue.get("status") or {}).get("state") or "")


def children(ctx: AdmissionContext, parent: str) -> list[dict[str, Any]]:
    """Queues whose ``spec.parent`` is exactly ``parent`` (Volcano's queueParent index)."""
    return [q for q in ctx.list_queues() if parent_of(q) == parent]
