"""Pure: how a pod object changes when its agent reports on it."""

from __future__ import annotations

import copy
from typing import Any

from basalt.store import accounting

Obj = dict[str, Any]


def apply_report(pod: Obj, phase: str, exit_code: int, reason: str, message: str, now: str) -> Obj | None:
    """The pod with the reported phase; None when the report changes nothing (or would regress)."""
    current = (pod.get("status") or {}).get("phase", "Pending")
    if current in accounting.TERMINAL_PHASES or current == phase and phase == "Running":
        return None
    updated = copy.deepcopy(pod)
    st = updated.setdefault("status", {})
    st["phase"] = phase
    st.setdefault("startTime", now)
    st["hostIP"] = st["podIP"] = "127.0.0.1"
    st["containerStatuses"] = [_container_status(c.get("name", ""), phase, exit_code, reason, message, now)
                               for c in (pod.get("spec") or {}).get("containers") or []]
    if reason:
        st["reason"] = reason
    if message:
        st["message"] = message
    return updated


def _container_status(name: str, phase: str, exit_code: int, reason: str, message: str, now: str) -> Obj:
    if phase == "Running":
        state: Obj = {"running": {"startedAt": now}}
    else:
        state = {"terminated": {"exitCode": exit_code, "reason": reason or ("Completed" if exit_code == 0 else "Error"),
                                "message": message, "finishedAt": now}}
    return {"name": name, "ready": phase == "Running", "restartCount": 0, "state": state}
