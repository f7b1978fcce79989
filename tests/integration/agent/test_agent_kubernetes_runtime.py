"""The agent with the ``kubernetes`` runtime, against a fake Kubernetes API server and the test
peer NodeService: the cluster's nodes are registered, bound pods run as Kubernetes pods on their
node, and what the "kubelet" does comes back as status reports and logs."""

from __future__ import annotations

import contextlib
import json
import pathlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.agent import app, settings as agent_settings
from tests import servers
from tests.integration.agent import fake_kube_api
from tests.integration.agent.test_agent_service import KILL, RUN, Peer, PodBuilder, agent, uid
from tests.integration.agent.test_agent_service import peer  # noqa: F401 - the fixture

NS = "basalt-pods"
GPU_NODE = {"cpu": "8", "memory": "32Gi", "nvidia.com/gpu": "4", "pods": "110"}
CPU_NODE = {"cpu": "16", "memory": "64Gi", "pods": "110"}
TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}


@pytest.fixture
async def kube() -> AsyncIterator[fake_kube_api.FakeKubeApi]:
    api = fake_kube_api.FakeKubeApi()
    api.add_node("gpu-a", GPU_NODE, {"pool": "gpu"}, [TAINT])
    api.add_node("cpu-a", CPU_NODE, {"pool": "cpu"})
    api.add_node("gpu-b", GPU_NODE, {"pool": "gpu"}, [TAINT])
    await api.start()
    yield api
    await api.stop()


@contextlib.asynccontextmanager
async def kube_agent(peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path,
                     **overrides: Any) -> AsyncIterator[agent_settings.Settings]:
    config = kube.kubeconfig(tmp_path / "kubeconfig")
    async with agent(peer, tmp_path, runtime="kubernetes", k8s_kubeconfig=str(config), **overrides) as settings:
        await peer.service.until(lambda: peer.service.watchers)
        yield settings


async def created(kube: fake_kube_api.FakeKubeApi, pod: dict[str, Any]) -> dict[str, Any]:
    """The Kubernetes pod running ``pod``, once the agent has created it."""
    found: dict[str, Any] = await servers.eventually(_async(lambda: kube.pod_named(uid(pod))), timeout=10)
    return found


async def watched(kube: fake_kube_api.FakeKubeApi, peer: Peer, pod: dict[str, Any]) -> str:
    """Run ``pod`` through the peer until Kubernetes runs it and the agent reported it Running."""
    peer.service.push(RUN, pod)
    name = str((await created(kube, pod))["metadata"]["name"])
    await kube.run(NS, name)
    await peer.service.until(lambda: peer.service.phases(uid(pod)) == ["Running"])
    return name


def _async(check: Any) -> Any:
    async def run() -> Any:
        return check()
    return run


def reports(peer: Peer, pod: dict[str, Any]) -> list[Any]:
    return [r for r in peer.service.requests("ReportPodStatus") if r.uid == uid(pod)]


async def test_registration_presents_the_selected_cluster_nodes(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    async with kube_agent(peer, kube, tmp_path, k8s_node_selector="pool=gpu"):
        service = peer.service
        await service.until(lambda: service.requests("Heartbeat"))
        registered = [json.loads(n) for n in service.requests("Register")[0].nodes_json]
        assert [n["metadata"]["name"] for n in registered] == ["gpu-a", "gpu-b"]
        for node in registered:
            assert node["status"]["allocatable"] == GPU_NODE
            assert node["spec"]["taints"] == [TAINT]
            assert node["metadata"]["labels"]["pool"] == "gpu"
            assert node["metadata"]["labels"]["basalt.io/agent"] == "agent-under-test"
        assert list(service.requests("Heartbeat")[0].node_names) == ["gpu-a", "gpu-b"]
        assert ("GET", "/api/v1/nodes?labelSelector=pool%3Dgpu") in kube.requests


async def test_run_creates_a_pod_on_the_bound_node_and_reports_its_end_with_its_log(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("worker", node="gpu-b").sh("train").sh("sidecar").label("volcano.sh/task-index", "2") \
        .annotate("scheduling.k8s.io/group-name", "job-1").obj()
    pod["spec"]["schedulerName"] = "volcano"
    async with kube_agent(peer, kube, tmp_path):
        peer.service.push(RUN, pod)
        kube_pod = await created(kube, pod)
        name = kube_pod["metadata"]["name"]
        assert kube_pod["metadata"]["namespace"] == NS and name.startswith("default.worker.")
        assert kube_pod["spec"]["nodeName"] == "gpu-b" and "schedulerName" not in kube_pod["spec"]
        assert kube_pod["spec"]["restartPolicy"] == "Never"
        assert kube_pod["metadata"]["labels"] == {"volcano.sh/task-index": "2", "basalt.io/pod-uid": uid(pod),
                                                  "basalt.io/pod-namespace": "default"}
        assert kube_pod["metadata"]["annotations"]["scheduling.k8s.io/group-name"] == "job-1"
        assert {"name": "VC_TASK_INDEX", "value": "2"} in kube_pod["spec"]["containers"][0]["env"]

        await kube.run(NS, name)
        await kube.log(NS, name, "c0", "epoch 1\n")
        await kube.log(NS, name, "c1", "side")  # no newline yet: held back, never spliced into c0's lines
        await kube.log(NS, name, "c0", "epoch 2\n")
        await peer.service.until(lambda: b"epoch 2\n" in peer.service.log_of(uid(pod)))
        await kube.finish(NS, name, {"c0": 3})

        await peer.service.until(lambda: len(reports(peer, pod)) == 2)
        running, failed = reports(peer, pod)
        assert (running.phase, running.node_name) == ("Running", "gpu-b")
        assert (failed.phase, failed.exit_code, failed.reason) == ("Failed", 3, "Error")
        log = peer.service.log_of(uid(pod))
        assert log.replace(b"side", b"") == b"epoch 1\nepoch 2\n" and log.endswith(b"side")
        methods = [m for m, request in peer.service.calls if getattr(request, "uid", None) == uid(pod)]
        assert methods[-1] == "ReportPodStatus" and "AppendLog" in methods[:-1]
        await servers.eventually(_async(lambda: kube.pod_named(uid(pod)) is None))  # finished: removed


async def test_kill_deletes_the_pod_with_its_grace_period(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("sleeper", node="gpu-a").sh("sleep 1d").obj()
    pod["spec"]["terminationGracePeriodSeconds"] = 5
    async with kube_agent(peer, kube, tmp_path):
        name = await watched(kube, peer, pod)
        peer.service.push(KILL, pod)
        await peer.service.until(lambda: len(reports(peer, pod)) == 2)
        assert (name, 5) in kube.deletions
        final = reports(peer, pod)[-1]
        assert (final.phase, final.reason, final.exit_code) == ("Failed", "Killed", 143)
        assert kube.pod_named(uid(pod)) is None


async def test_a_dropped_watch_resumes_from_its_resource_version(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("steady", node="gpu-a").sh("work").obj()
    async with kube_agent(peer, kube, tmp_path):
        name = await watched(kube, peer, pod)
        watches = kube.watch_count()
        kube.drop_watches()
        await servers.eventually(_async(lambda: kube.watch_count() > watches and kube.open_watches()))
        await kube.finish(NS, name)
        await peer.service.until(lambda: peer.service.phases(uid(pod)) == ["Running", "Succeeded"])
        lists = [p for m, p in kube.requests if m == "GET" and p.startswith(f"/api/v1/namespaces/{NS}/pods?")
                 and "watch=" not in p]
        assert len(lists) == 1  # resumed, not listed again
        assert "resourceVersion=" in [p for m, p in kube.requests if "watch=" in p][-1]


@pytest.mark.parametrize(("kubelet", "phase", "reason", "exit_code"), [
    ("finish", "Succeeded", "", 0),
    ("delete", "Failed", "Deleted", 137),  # its last state was missed too: SIGKILL's code stands in
])
async def test_a_watch_too_old_to_resume_lists_again(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path,
        kubelet: str, phase: str, reason: str, exit_code: int) -> None:
    pod = PodBuilder("moved-on", node="gpu-a").sh("work").obj()
    async with kube_agent(peer, kube, tmp_path):
        name = await watched(kube, peer, pod)
        kube.hold_watches()
        kube.drop_watches()
        if kubelet == "finish":
            await kube.finish(NS, name)
        else:
            await kube.complete_deletion(NS, name)  # someone deleted it while the agent looked away
        kube.compact()
        kube.release_watches()
        await peer.service.until(lambda: len(reports(peer, pod)) == 2)
        final = reports(peer, pod)[-1]
        assert (final.phase, final.reason, final.exit_code) == (phase, reason, exit_code)
        lists = [p for m, p in kube.requests if m == "GET" and p.startswith(f"/api/v1/namespaces/{NS}/pods?")
                 and "watch=" not in p]
        assert len(lists) == 2  # the 410 made the agent list again


async def test_a_pod_the_kubelet_refuses_fails_without_an_exit(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("too-big", node="cpu-a").sh("work").obj()
    async with kube_agent(peer, kube, tmp_path):
        peer.service.push(RUN, pod)
        name = str((await created(kube, pod))["metadata"]["name"])
        await kube.reject(NS, name, "OutOfnvidia.com/gpu", "Node didn't have enough resource: nvidia.com/gpu")
        await peer.service.until(lambda: len(reports(peer, pod)) == 1)
        assert peer.service.phases(uid(pod)) == ["Failed"]  # never Running: no container ran
        final = reports(peer, pod)[-1]
        assert (final.phase, final.reason, final.exit_code) == ("Failed", "OutOfnvidia.com/gpu", 128)
        assert "enough resource" in final.message


async def test_stopping_the_agent_deletes_its_pods_unless_kept_for_adoption(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    doomed = PodBuilder("doomed", node="gpu-a").sh("work").obj()
    async with kube_agent(peer, kube, tmp_path):
        name = await watched(kube, peer, doomed)
    assert name in [deleted for deleted, _ in kube.deletions]
    peer.service.bound.pop(uid(doomed))  # as the controller would, once the pod failed with its node

    kept = PodBuilder("kept", node="gpu-a").sh("work").obj()
    async with kube_agent(peer, kube, tmp_path, k8s_keep_pods_on_exit=True):
        kept_name = await watched(kube, peer, kept)
    assert kube.pod_named(uid(kept)) is not None

    async with kube_agent(peer, kube, tmp_path):  # the peer assigns the kept pod again
        await servers.eventually(_async(lambda: ("GET", f"/api/v1/namespaces/{NS}/pods/{kept_name}")
                                        in kube.requests))
        await kube.finish(NS, kept_name)
        await peer.service.until(lambda: peer.service.phases(uid(kept)) == ["Running", "Running", "Succeeded"])
    creations = [p for m, p in kube.requests if m == "POST"]
    assert len(creations) == 3  # the second RUN of the kept pod met 409 and adopted the pod


async def test_a_broken_log_stream_resumes_without_losing_or_repeating_lines(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("chatty", node="gpu-a").sh("talk").obj()
    async with kube_agent(peer, kube, tmp_path):
        name = await watched(kube, peer, pod)
        await kube.log(NS, name, "c0", "one\n")
        await peer.service.until(lambda: peer.service.log_of(uid(pod)) == b"one\n")
        reads = len([p for m, p in kube.requests if "/log?" in p])
        kube.drop_log_streams()
        await kube.log(NS, name, "c0", "two\n")
        await servers.eventually(_async(lambda: len([p for m, p in kube.requests if "/log?" in p]) > reads))
        await kube.log(NS, name, "c0", "three\n")
        await kube.finish(NS, name)
        await peer.service.until(lambda: peer.service.phases(uid(pod)) == ["Running", "Succeeded"])
        assert peer.service.log_of(uid(pod)) == b"one\ntwo\nthree\n"
        resumed = [p for m, p in kube.requests if "/log?" in p][-1]
        assert "sinceSeconds=" in resumed and "timestamps=True" in resumed


async def test_a_creation_whose_answer_was_lost_is_retried_and_adopts_the_pod(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("unlucky", node="gpu-a").sh("work").obj()
    kube.fail_next("POST", 503, after_applying=True)
    async with kube_agent(peer, kube, tmp_path):
        name = await watched(kube, peer, pod)
        await kube.finish(NS, name)
        await peer.service.until(lambda: peer.service.phases(uid(pod)) == ["Running", "Succeeded"])
    assert [m for m, _ in kube.requests if m == "POST"] == ["POST", "POST"]


async def test_a_pod_kubernetes_refuses_fails_to_start_with_the_reason(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("lost", node="gpu-a").sh("work").obj()
    async with kube_agent(peer, kube, tmp_path, k8s_namespace="no-such-namespace"):
        peer.service.push(RUN, pod)
        await peer.service.until(lambda: len(reports(peer, pod)) == 1)
        assert peer.service.phases(uid(pod)) == ["Failed"]
        final = reports(peer, pod)[-1]
        assert (final.phase, final.reason, final.exit_code) == ("Failed", "StartError", 128)
        assert 'namespaces "no-such-namespace" not found' in final.message
        assert b"no-such-namespace" in peer.service.log_of(uid(pod))


async def test_an_agent_the_cluster_refuses_stops_saying_why(
        peer: Peer, kube: fake_kube_api.FakeKubeApi, tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture) -> None:
    config = kube.kubeconfig(tmp_path / "kubeconfig")
    config.write_text(config.read_text().replace(fake_kube_api.TOKEN, "wrong-token"))
    settings = agent_settings.Settings(controller=peer.address, runtime="kubernetes", k8s_kubeconfig=str(config))
    with pytest.raises(RuntimeError, match="service returned before becoming ready"):
        async with servers.running(app.serve, settings):
            pass
    assert peer.service.requests("Register") == []
    assert "cannot list the cluster's nodes: 401 Unauthorized" in caplog.text
