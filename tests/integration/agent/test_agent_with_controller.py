"""The agent against the real controller's NodeService (Redis-backed): its nodes become Node objects."""

from __future__ import annotations

import pathlib
from typing import Any

from basalt import config
from basalt.api import kinds
from basalt.store import objects
from services.agent import app, settings as agent_settings
from tests import servers


async def test_registered_nodes_are_stored_as_kubernetes_nodes(controller_target: str, store: objects.Store,
                                                               tmp_path: pathlib.Path) -> None:
    settings = config.load(agent_settings.Settings, {}, controller=controller_target, runtime="fake", nodes=2,
                           node_prefix="real", node_resources="cpu=8,memory=16Gi,nvidia.com/gpu=2",
                           agent_id="agent-real", work_dir=str(tmp_path))
    async with servers.running(app.serve, settings):
        async def stored() -> list[dict[str, Any]]:
            # Any: Store.list shadows the builtin inside Store, which trips mypy on list_all's annotation.
            listed: Any = await store.list_all(kinds.NODE, "")
            return [n for n in listed if n["metadata"]["name"].startswith("real-")]

        nodes = sorted(await servers.eventually(stored), key=lambda n: n["metadata"]["name"])
    assert [n["metadata"]["name"] for n in nodes] == ["real-0", "real-1"]
    assert nodes[0]["status"]["allocatable"] == {"cpu": "8", "memory": "16Gi", "nvidia.com/gpu": "2", "pods": "110"}
    assert nodes[1]["metadata"]["labels"]["basalt.io/agent"] == "agent-real"
