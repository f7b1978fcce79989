"""Reconnect and retry backoff: 0.1 s doubling to 2 s."""

from __future__ import annotations

import pytest

from services.agent import backoff


def test_doubles_to_the_cap_and_resets() -> None:
    delays = backoff.Backoff()
    assert [delays.delay() for _ in range(7)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0])
    delays.reset()
    assert delays.delay() == pytest.approx(0.1)
