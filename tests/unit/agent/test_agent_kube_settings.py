"""The ``kubernetes`` runtime's settings and wiring: ``BASALT_RUNTIME=kubernetes``, ``BASALT_K8S_*``."""

from __future__ import annotations

import pytest

from basalt import config
from basalt.api import meta
from services.agent import nodes, runtimes, settings
from services.agent.runtimes import kubernetes


def load(**environ: str) -> settings.Settings:
    return config.load(settings.Settings, {f"BASALT_{k.upper()}": v for k, v in environ.items()})


def test_kubernetes_settings_come_from_the_environment() -> None:
    loaded = load(runtime="kubernetes", k8s_kubeconfig="/etc/basalt/kubeconfig", k8s_context="prod",
                  k8s_namespace="jobs", k8s_node_selector="pool=gpu,!cordoned", k8s_keep_finished="true",
                  k8s_keep_pods_on_exit="yes")
    assert (loaded.k8s_kubeconfig, loaded.k8s_context, loaded.k8s_namespace, loaded.k8s_node_selector) == \
        ("/etc/basalt/kubeconfig", "prod", "jobs", "pool=gpu,!cordoned")
    assert loaded.k8s_keep_finished and loaded.k8s_keep_pods_on_exit
    assert isinstance(runtimes.create(loaded), kubernetes.KubernetesRuntime)


def test_defaults_use_the_in_cluster_account_and_the_basalt_pods_namespace() -> None:
    loaded = load(runtime="kubernetes")
    assert (loaded.k8s_kubeconfig, loaded.k8s_namespace, loaded.k8s_node_selector) == ("", "basalt-pods", "")
    assert not loaded.k8s_keep_finished and not loaded.k8s_keep_pods_on_exit


def test_an_empty_namespace_is_refused_naming_the_variable() -> None:
    with pytest.raises(config.SettingsError, match="^BASALT_K8S_NAMESPACE=''"):
        load(k8s_namespace="")


class ClusterNodes:
    async def nodes(self, now: str) -> list[meta.Obj]:
        return [{"metadata": {"name": f"real-{now}"}}]


async def test_registration_takes_the_runtimes_nodes_when_it_has_some() -> None:
    loaded = load(nodes="2")
    assert [meta.name(n) for n in await nodes.presented(loaded, ClusterNodes(), "t")] == ["real-t"]
    assert [meta.name(n) for n in await nodes.presented(loaded, object(), "t")] == ["node-0", "node-1"]
