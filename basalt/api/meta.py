"""Accessors for Kubernetes-shaped objects (plain dicts decoded from JSON).

Objects stay dicts end to end (``apiVersion, kind, metadata, spec, status``) so that what a user
posts is what is stored and served, field for field. These helpers keep the dict plumbing short.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def metadata(obj: Obj) -> dict[str, Any]:
    return obj.setdefault("metadata", {})  # type: ignore[no-any-return]


def name(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def namespace(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "")


def uid(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def labels(obj: Obj) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}


def annotations_of(obj: Obj) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("annotations") or {}


def resource_version(obj: Obj) -> int:
    return int((obj.get("metadata") or {}).get("resourceVersion") or 0)


def key(obj: Obj) -> str:
    """``namespace/name`` (or just ``name`` for cluster-scoped objects), as Kubernetes logs it."""
    ns = namespace(obj)
    return f"{ns}/{name(obj)}" if ns else name(obj)


def controller_ref(obj: Obj) -> dict[str, Any] | None:
    """The owner reference marked ``controller: true`` (Kubernetes' GetControllerOf)."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref  # type: ignore[no-any-return]
    return None


def owner_uid(obj: Obj) -> str:
    ref = controller_ref(obj)
    return str(ref.get("uid") or "") if ref else ""
