"""Registries of plugin builders and actions, by name (Volcano's RegisterPluginBuilder/RegisterAction).

Plugins and actions register themselves when their package is imported; ``ensure_loaded`` imports
both packages on first use, so the framework never imports them at module level (they import it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from services.scheduler.framework import session as session_mod


class Plugin(Protocol):
    name: str

    def on_session_open(self, ssn: session_mod.Session) -> None: ...

    def on_session_close(self, ssn: session_mod.Session) -> None: ...


class Action(Protocol):
    name: str

    def execute(self, ssn: session_mod.Session) -> None: ...


@dataclass(frozen=True)
class PluginSpec:
    """How to build a plugin, and which arguments it understands (anything else is a ConfError)."""

    name: str
    build: Callable[[Mapping[str, Any]], Plugin]
    arguments: frozenset[str] = frozenset()
    argument_prefixes: tuple[str, ...] = field(default=())

    def accepts(self, argument: str) -> bool:
        return argument in self.arguments or any(argument.startswith(p) for p in self.argument_prefixes)


PLUGINS: dict[str, PluginSpec] = {}
ACTIONS: dict[str, Callable[[], Action]] = {}

_PACKAGES = ("services.scheduler.plugins", "services.scheduler.actions")


def register_plugin(spec: PluginSpec) -> None:
    PLUGINS[spec.name] = spec


def register_action(name: str, build: Callable[[], Action]) -> None:
    ACTIONS[name] = build


def ensure_loaded() -> None:
    for package in _PACKAGES:
        importlib.import_module(package)
