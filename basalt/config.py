"""Settings: frozen dataclasses loaded from ``BASALT_*`` environment variables.

Each service declares its settings as a dataclass with a docstring per field (kopf's
OperatorSettings style); ``load`` fills it from the environment, converting by the field's type and
naming the variable in any error.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")
PREFIX = "BASALT_"


class SettingsError(ValueError):
    pass


def env_name(field: str) -> str:
    return PREFIX + field.upper()


def load(cls: type[T], environ: Mapping[str, str] | None = None, **overrides: Any) -> T:
    """Build ``cls`` from ``BASALT_<FIELD>`` variables; keyword overrides win (for embedding)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in overrides:
            values[field.name] = overrides[field.name]
        elif env_name(field.name) in environ:
            values[field.name] = _convert(field, environ[env_name(field.name)])
    return cls(**values)


def _convert(field: dataclasses.Field[Any], raw: str) -> Any:
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "str")
    try:
        if kind == "bool":
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError("expected true or false")
            return raw.lower() in ("1", "true", "yes")
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{env_name(field.name)}={raw!r}: {exc}") from None
    return raw
