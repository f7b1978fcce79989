"""Dict accessors the controller needs beyond ``basalt.api.meta``.

``meta.annotations`` shares its name with ``from __future__ import annotations`` in meta.py, which
mypy rejects at every call site; this reads the same field under another name until that is fixed.
"""

from __future__ import annotations

from basalt.api import meta

Obj = meta.Obj


def annotations_of(obj: Obj) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("annotations") or {})


def phase_of(obj: Obj) -> str:
    """``status.phase`` of a pod or PodGroup ("" when unset)."""
    return str((obj.get("status") or {}).get("phase") or "")


def is_terminating(obj: Obj) -> bool:
    """Deletion has begun (``metadata.deletionTimestamp`` is set)."""
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))
