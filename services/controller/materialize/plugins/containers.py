"""Edits every container and init container of a pod spec, as Volcano's plugins do."""

from __future__ import annotations

from typing import Any

from basalt.api import meta

Obj = meta.Obj


def all_containers(pod: Obj) -> list[dict[str, Any]]:
    spec = pod.setdefault("spec", {})
    return list(spec.get("containers") or []) + list(spec.get("initContainers") or [])


def append_env(pod: Obj, env: list[dict[str, Any]]) -> None:
    for container in all_containers(pod):
        container["env"] = list(container.get("env") or []) + [dict(e) for e in env]
