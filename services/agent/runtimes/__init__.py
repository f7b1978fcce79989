"""Runtimes by name: ``process`` (local subprocesses), ``fake`` (timers) and ``kubernetes`` (pods
of a real cluster, through kubernetes-asyncio, imported only when chosen)."""

from __future__ import annotations

from services.agent import settings as agent_settings
from services.agent.runtimes import base, fake, process


def create(settings: agent_settings.Settings) -> base.Runtime:
    if settings.runtime == "fake":
        return fake.FakeRuntime()
    if settings.runtime == "kubernetes":
        from services.agent.runtimes import kubernetes  # noqa: PLC0415 - keeps kubernetes_asyncio optional

        return kubernetes.KubernetesRuntime(settings)
    return process.ProcessRuntime(settings.work_dir)
