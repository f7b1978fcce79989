"""Runtimes by name: ``process`` (local subprocesses) and ``fake`` (timers). A ``kubernetes``
runtime (kubernetes-asyncio) plugs in here by implementing ``base.Runtime``."""

from __future__ import annotations

from services.agent import settings as agent_settings
from services.agent.runtimes import base, fake, process


def create(settings: agent_settings.Settings) -> base.Runtime:
    if settings.runtime == "fake":
        return fake.FakeRuntime()
    return process.ProcessRuntime(settings.work_dir)
