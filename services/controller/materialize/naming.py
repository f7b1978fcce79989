"""Names and owner references of the objects a Job owns (Volcano's naming, verbatim)."""

from __future__ import annotations

from typing import Any

from basalt.api import kinds, meta

Obj = meta.Obj


def pod_name(job_name: str, task_name: str, index: int) -> str:
    """``helpers.PodNameFmt``: ``<job>-<task>-<index>``."""
    return f"{job_name}-{task_name}-{index}"


def podgroup_name(job: Obj) -> str:
    """``<job>-<job uid>``: the uid keeps a re-created job from adopting a stale group."""
    return f"{meta.name(job)}-{meta.uid(job)}"


def controller_ref(job: Obj) -> dict[str, Any]:
    """``metav1.NewControllerRef(job, JobKind)``."""
    return {
        "apiVersion": kinds.JOB.api_version,
        "kind": kinds.JOB.kind,
        "name": meta.name(job),
        "uid": meta.uid(job),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def pod_index(pod: Obj) -> str:
    """``GetPodIndexUnderTask``: the last dash-separated part of the name, "" if too short."""
    parts = meta.name(pod).split("-")
    return parts[-1] if len(parts) >= 3 else ""
