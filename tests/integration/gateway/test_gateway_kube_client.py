"""The official Kubernetes client (kubernetes_asyncio) drives the gateway as it would an API
server: CustomObjectsApi for Volcano's kinds, CoreV1Api for pods and nodes, discovery APIs, and
kubernetes_asyncio.watch.Watch resuming from the last resourceVersion."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from kubernetes_asyncio import client as k8s
from kubernetes_asyncio import watch as k8s_watch

from basalt.store import objects
from tests.integration.gateway import kube, placed_pods
from tests.integration.gateway.builders import JobBuilder, QueueBuilder

BATCH = ("batch.volcano.sh", "v1alpha1")
SCHEDULING = ("scheduling.volcano.sh", "v1beta1")


@pytest.fixture
async def api(gateway_url: str) -> AsyncIterator[k8s.ApiClient]:
    async with kube.api_client(gateway_url) as client:
        yield client


async def test_create_get_list_by_label_and_delete_jobs(api: k8s.ApiClient) -> None:
    custom = k8s.CustomObjectsApi(api)
    for name, team in (("a", "red"), ("b", "blue"), ("c", "red")):
        created = await custom.create_namespaced_custom_object(
            *BATCH, "default", "jobs", JobBuilder(name).labels(team=team).obj())
        assert created["metadata"]["uid"] and created["spec"]["maxRetry"] == 3  # defaulted by admission
    fetched = await custom.get_namespaced_custom_object(*BATCH, "default", "jobs", "a")
    assert fetched["metadata"]["labels"] == {"team": "red"}
    red = await custom.list_namespaced_custom_object(*BATCH, "default", "jobs", label_selector="team=red")
    assert (red["kind"], sorted(j["metadata"]["name"] for j in red["items"])) == ("JobList", ["a", "c"])
    everywhere = await custom.list_cluster_custom_object(*BATCH, "jobs", label_selector="team in (blue)")
    assert [j["metadata"]["name"] for j in everywhere["items"]] == ["b"]
    await custom.delete_namespaced_custom_object(*BATCH, "default", "jobs", "b")
    with pytest.raises(k8s.ApiException) as missing:
        await custom.get_namespaced_custom_object(*BATCH, "default", "jobs", "b")
    assert missing.value.status == 404


async def test_paging_with_limit_and_continue(api: k8s.ApiClient) -> None:
    custom = k8s.CustomObjectsApi(api)
    for name in ("p1", "p2", "p3"):
        await custom.create_namespaced_custom_object(*BATCH, "default", "jobs", JobBuilder(name).obj())
    first = await custom.list_namespaced_custom_object(*BATCH, "default", "jobs", limit=2)
    rest = await custom.list_namespaced_custom_object(*BATCH, "default", "jobs", limit=2,
                                                       _continue=first["metadata"]["continue"])
    names = [j["metadata"]["name"] for j in first["items"] + rest["items"]]
    assert sorted(names) == ["p1", "p2", "p3"] and "continue" not in rest["metadata"]


async def test_merge_patch_applies_on_the_current_object(api: k8s.ApiClient) -> None:
    custom = k8s.CustomObjectsApi(api)
    created = await custom.create_namespaced_custom_object(*BATCH, "default", "jobs",
                                                           JobBuilder("m").replicas(2).obj())
    patched = await custom.patch_namespaced_custom_object(
        *BATCH, "default", "jobs", "m", {"metadata": {"labels": {"tier": "gold"}}, "spec": {"minAvailable": 2}},
        _content_type="application/merge-patch+json")  # type: ignore[call-arg]  # a kwargs-only option
    assert patched["metadata"]["labels"] == {"tier": "gold"} and patched["spec"]["minAvailable"] == 2
    assert int(patched["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    assert patched["spec"]["tasks"] == created["spec"]["tasks"]
    # A list body is a JSON patch (kubectl patch --type=json), which the client sends as such.
    patched = await custom.patch_namespaced_custom_object(
        *BATCH, "default", "jobs", "m", [{"op": "replace", "path": "/spec/minAvailable", "value": 1}])
    assert patched["spec"]["minAvailable"] == 1


async def test_queues_are_cluster_scoped_custom_objects(api: k8s.ApiClient) -> None:
    custom = k8s.CustomObjectsApi(api)
    created = await custom.create_cluster_custom_object(*SCHEDULING, "queues", QueueBuilder("research").weight(3).obj())
    assert "namespace" not in created["metadata"] and created["spec"]["weight"] == 3
    strategic = "application/strategic-merge-patch+json"  # treated as a merge patch, as for any CRD
    patched = await custom.patch_cluster_custom_object(*SCHEDULING, "queues", "research", {"spec": {"weight": 5}},
                                                       _content_type=strategic)  # type: ignore[call-arg]
    assert patched["spec"]["weight"] == 5
    listed = await custom.list_cluster_custom_object(*SCHEDULING, "queues")
    assert {"default", "research"} <= {q["metadata"]["name"] for q in listed["items"]}
    await custom.delete_cluster_custom_object(*SCHEDULING, "queues", "research")
    with pytest.raises(k8s.ApiException) as missing:
        await custom.get_cluster_custom_object(*SCHEDULING, "queues", "research")
    assert missing.value.status == 404


async def next_event(stream: Any) -> dict[str, Any]:
    event: dict[str, Any] = await asyncio.wait_for(stream.__anext__(), 15)
    return event


async def test_watch_resumes_from_the_last_resource_version(api: k8s.ApiClient) -> None:
    custom = k8s.CustomObjectsApi(api)
    listed = await custom.list_namespaced_custom_object(*BATCH, "default", "jobs")
    watcher = k8s_watch.Watch()
    stream = watcher.stream(custom.list_namespaced_custom_object, *BATCH, "default", "jobs",
                            resource_version=listed["metadata"]["resourceVersion"])
    await custom.create_namespaced_custom_object(*BATCH, "default", "jobs", JobBuilder("w1").obj())
    event = await next_event(stream)
    assert (event["type"], event["object"]["metadata"]["name"]) == ("ADDED", "w1")
    resume_from = watcher.resource_version
    watcher.stop()
    await watcher.close()

    await custom.create_namespaced_custom_object(*BATCH, "default", "jobs", JobBuilder("w2").obj())
    resumed = k8s_watch.Watch()
    stream = resumed.stream(custom.list_namespaced_custom_object, *BATCH, "default", "jobs",
                            resource_version=resume_from)
    seen: list[tuple[str, str]] = []
    while ("ADDED", "w2") not in seen:
        event = await next_event(stream)
        seen.append((event["type"], event["object"]["metadata"]["name"]))
    # Nothing before resume_from is replayed: w1's creation is not seen again.
    assert ("ADDED", "w1") not in seen
    resumed.stop()
    await resumed.close()


async def test_pods_and_logs_through_core_v1(api: k8s.ApiClient, store: objects.Store,
                                             redis_client: aioredis.Redis) -> None:
    await placed_pods.add(store, redis_client, "default", "j-worker-0", "j", log=b"one\ntwo\n")
    await placed_pods.add(store, redis_client, "default", "k-worker-0", "k")
    core = k8s.CoreV1Api(api)
    pods = await core.list_namespaced_pod("default", label_selector="volcano.sh/job-name=j")
    assert [p.metadata.name for p in pods.items] == ["j-worker-0"]
    pod = await core.read_namespaced_pod("j-worker-0", "default")
    assert (pod.spec.node_name, pod.status.phase) == ("n1", "Running")
    assert await core.read_namespaced_pod_log("j-worker-0", "default", tail_lines=1) == "two\n"
    nodes = await core.list_node()
    assert [n.metadata.name for n in nodes.items] == ["n1"]
    assert (await core.read_node("n1")).status.allocatable["cpu"] == "8"


async def test_discovery_documents(api: k8s.ApiClient) -> None:
    groups = await k8s.ApisApi(api).get_api_versions()
    assert {g.name for g in groups.groups} == {"batch.volcano.sh", "scheduling.volcano.sh", "bus.volcano.sh",
                                               "scheduling.k8s.io"}
    assert (await k8s.CoreApi(api).get_api_versions()).versions == ["v1"]
    core = await k8s.CoreV1Api(api).get_api_resources()
    assert {"pods", "pods/log", "nodes"} <= {r.name for r in core.resources}
    version = await k8s.VersionApi(api).get_code()
    assert (version.major, version.minor) == ("1", "30")
    batch = await k8s.CustomObjectsApi(api).get_api_resources(*BATCH)
    jobs = next(r for r in batch.resources if r.name == "jobs")
    assert jobs.short_names == ["vcjob", "vj"] and jobs.namespaced is True and jobs.kind == "Job"
