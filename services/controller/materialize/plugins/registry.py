"""The table of job plugins by name, and applying a job's plugins to a new pod."""

from __future__ import annotations

from collections.abc import Callable

from basalt.api import meta
from services.controller.materialize import jobspec

Obj = meta.Obj
PodPlugin = Callable[[Obj, Obj, list[str]], None]
"""Edits ``pod`` (first argument) in place for ``job`` given the plugin's arguments."""

_PLUGINS: dict[str, PodPlugin] = {}


def register(name: str) -> Callable[[PodPlugin], PodPlugin]:
    def add(plugin: PodPlugin) -> PodPlugin:
        _PLUGINS[name] = plugin
        return plugin

    return add


def known() -> frozenset[str]:
    _load_builtins()
    return frozenset(_PLUGINS)


def unknown_plugins(job: Obj) -> list[str]:
    """Plugins the job names that Basalt does not implement (skipped when building pods)."""
    return sorted(set(jobspec.plugins(job)) - known())


def on_pod_create(pod: Obj, job: Obj) -> None:
    """Run the job's plugins over ``pod`` in spec order (Go ranges a map: any order is Volcano's)."""
    _load_builtins()
    for name, args in jobspec.plugins(job).items():
        plugin = _PLUGINS.get(name)
        if plugin is not None:
            plugin(pod, job, args)


def _load_builtins() -> None:
    # Imported lazily: the built-ins register themselves and import this module.
    from services.controller.materialize.plugins import env, mpi, pytorch, ssh, svc, tensorflow  # noqa: F401
