from __future__ import annotations

from dataclasses import dataclass

import pytest

from basalt import config


@dataclass(frozen=True)
class Example:
    name: str = "x"
    """A name."""
    count: int = 1
    """How many."""
    ratio: float = 0.5
    """A ratio."""
    enabled: bool = False
    """On or off."""


def test_loads_typed_values_from_basalt_variables() -> None:
    loaded = config.load(Example, {"BASALT_NAME": "n", "BASALT_COUNT": "3", "BASALT_RATIO": "1.5", "BASALT_ENABLED": "true"})
    assert loaded == Example("n", 3, 1.5, True)


def test_defaults_and_overrides() -> None:
    assert config.load(Example, {}, count=7) == Example(count=7)


def test_bad_value_names_the_variable() -> None:
    with pytest.raises(config.SettingsError, match="BASALT_COUNT='many'"):
        config.load(Example, {"BASALT_COUNT": "many"})
    with pytest.raises(config.SettingsError, match="BASALT_ENABLED"):
        config.load(Example, {"BASALT_ENABLED": "maybe"})
