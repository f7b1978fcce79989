"""Agent settings from BASALT_* variables: node resources, labels and refusals naming the variable."""

from __future__ import annotations

import pytest

from basalt import config
from services.agent import nodes, settings


def load(**environ: str) -> settings.Settings:
    return config.load(settings.Settings, {f"BASALT_{k.upper()}": v for k, v in environ.items()})


@pytest.mark.parametrize(("raw", "capacity"), [
    ("cpu=4,memory=8Gi,pods=110", {"cpu": "4", "memory": "8Gi", "pods": "110"}),
    ("cpu=500m, memory=1024Mi", {"cpu": "500m", "memory": "1Gi", "pods": "110"}),
    ("cpu=8,nvidia.com/gpu=2,pods=20", {"cpu": "8", "nvidia.com/gpu": "2", "pods": "20"}),
    ("", {"pods": "110"}),
])
def test_node_resources_become_quantities_with_pods(raw: str, capacity: dict[str, str]) -> None:
    assert load(node_resources=raw).capacity() == capacity


@pytest.mark.parametrize(("raw", "problem"), [
    ("cpu", "'cpu' is not name=value"),
    ("cpu=lots", "cpu: quantities must match"),
    ("cpu=1,cpu=2", "'cpu' is given twice"),
    ("bad name=1", "'bad name' is not a resource name"),
    ("cpu=-1", "cpu must not be negative"),
])
def test_bad_node_resources_name_the_variable(raw: str, problem: str) -> None:
    with pytest.raises(config.SettingsError) as caught:
        load(node_resources=raw)
    assert str(caught.value).startswith(f"BASALT_NODE_RESOURCES={raw!r}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(("field", "raw", "variable"), [
    ("runtime", "docker", "BASALT_RUNTIME"),
    ("nodes", "0", "BASALT_NODES"),
    ("nodes", "many", "BASALT_NODES"),
    ("heartbeat_seconds", "-1", "BASALT_HEARTBEAT_SECONDS"),
    ("node_labels", "zone", "BASALT_NODE_LABELS"),
    ("node_labels", "zone=a b", "BASALT_NODE_LABELS"),
])
def test_other_bad_values_name_their_variable(field: str, raw: str, variable: str) -> None:
    with pytest.raises(config.SettingsError, match=f"^{variable}="):
        load(**{field: raw})


def test_defaults_and_environment() -> None:
    loaded = load(nodes="3", node_prefix="gpu", node_labels="zone=a, example.com/rack=r1", runtime="fake")
    assert loaded.controller == "127.0.0.1:7001"
    assert loaded.node_names() == ["gpu-0", "gpu-1", "gpu-2"]
    assert loaded.labels() == {"zone": "a", "example.com/rack": "r1"}
    assert loaded.runtime == "fake"
    assert loaded.heartbeat_seconds == 2.0


def test_node_objects_are_kubernetes_nodes() -> None:
    loaded = config.load(settings.Settings, {}, nodes=2, agent_id="a1", node_labels="zone=z",
                         node_resources="cpu=2,memory=4Gi")
    made = nodes.node_objects(loaded, "2026-01-01T00:00:00Z")
    assert [n["metadata"]["name"] for n in made] == ["node-0", "node-1"]
    first = made[0]
    assert first["kind"] == "Node" and first["apiVersion"] == "v1"
    assert first["metadata"]["labels"] == {"kubernetes.io/hostname": "node-0", "basalt.io/agent": "a1", "zone": "z"}
    assert first["status"]["allocatable"] == {"cpu": "2", "memory": "4Gi", "pods": "110"}
    assert first["status"]["capacity"] == first["status"]["allocatable"]
    assert {"type": "Ready", "status": "True"}.items() <= first["status"]["conditions"][0].items()
