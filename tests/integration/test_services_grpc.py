"""Each service's gRPC surface on 127.0.0.1 port 0, with a real Redis behind it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import redis.asyncio as aioredis
from grpc_health.v1 import health_pb2, health_pb2_grpc

from basalt import redis_server
from basalt import redis_server
from basalt.api import kinds
from basalt.rpc import server as rpc_server
from basalt.store import membership, objects
from basalt.v1 import admission_pb2, admission_pb2_grpc, common_pb2, jobs_pb2, jobs_pb2_grpc, nodes_pb2, nodes_pb2_grpc
from basalt.v1 import scheduler_pb2, scheduler_pb2_grpc
from services.scheduler import app as scheduler_app
from services.scheduler.settings import Settings as SchedulerSettings
from tests import servers


def node(name: str, cpu: str = "4") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "status": {"allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
                       "capacity": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def bare_pod(name: str, node_name: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "c", "command": ["true"], "resources": {"requests": {"cpu": "1"}}}]}
    if node_name:
        spec["nodeName"] = node_name
    return {"metadata": {"name": name, "namespace": "default"}, "spec": spec, "status": {"phase": "Pending"}}


async def test_every_server_reports_serving_health(controller_target: str, admission_target: str) -> None:
    for target in (controller_target, admission_target):
        async with rpc_server.channel(target) as ch:
            reply = await health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest())
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_admission_review_defaults_and_refuses(admission_target: str, store: objects.Store) -> None:
    await store.create(kinds.QUEUE, {"metadata": {"name": "default"}, "spec": {"weight": 1}, "status": {"state": "Open"}})
    job: dict[str, Any] = {
        "apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "metadata": {"name": "j", "namespace": "default"},
        "spec": {"tasks": [{"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}]}}
    async with rpc_server.channel(admission_target) as ch:
        stub = admission_pb2_grpc.AdmissionServiceStub(ch)
        ok = await stub.Review(admission_pb2.ReviewRequest(operation="CREATE", object_json=json.dumps(job)))
        job["spec"]["minAvailable"] = 5
        refused = await stub.Review(admission_pb2.ReviewRequest(operation="CREATE", object_json=json.dumps(job)))
    defaulted = json.loads(ok.object_json)
    assert ok.allowed and defaulted["spec"]["queue"] == "default" and defaulted["spec"]["minAvailable"] == 2
    assert defaulted["spec"]["tasks"][0]["name"] == "default0"
    assert not refused.allowed and [c.field for c in refused.causes] == ["spec.minAvailable"]


async def test_node_service_register_assign_report_and_log(controller_target: str, store: objects.Store) -> None:
    async with rpc_server.channel(controller_target) as ch:
        nodes = nodes_pb2_grpc.NodeServiceStub(ch)
        reply = await nodes.Register(nodes_pb2.RegisterRequest(agent_id="a1", nodes_json=[json.dumps(node("n1"))]))
        assert list(reply.node_names) == ["n1"]
        assert (await store.must_get(kinds.NODE, "", "n1"))["status"]["allocatable"]["cpu"] == "4"

        stream = nodes.WatchAssignments(nodes_pb2.WatchAssignmentsRequest(agent_id="a1", node_names=["n1"]))
        created = await store.create(kinds.POD, bare_pod("p1"))
        created["spec"]["nodeName"] = "n1"  # what a scheduler's bind writes
        await store.update(kinds.POD, created, old=await store.must_get(kinds.POD, "default", "p1"))
        first = await asyncio.wait_for(stream.read(), 10)
        assert first.type == nodes_pb2.Assignment.RUN and json.loads(first.pod_json)["metadata"]["name"] == "p1"

        uid = created["metadata"]["uid"]
        report = nodes_pb2.PodStatusReport(namespace="default", name="p1", uid=uid, phase="Succeeded", exit_code=0)
        assert (await nodes.ReportPodStatus(report)).accepted
        stale = nodes_pb2.PodStatusReport(namespace="default", name="p1", uid="other", phase="Failed")
        assert not (await nodes.ReportPodStatus(stale)).accepted
        await nodes.AppendLog(nodes_pb2.LogChunk(namespace="default", name="p1", uid=uid, data=b"hello\n"))
        stream.cancel()

        pods = jobs_pb2_grpc.PodServiceStub(ch)
        log = await pods.GetLog(jobs_pb2.LogRequest(namespace="default", name="p1"))
        listed = await pods.List(common_pb2.ListOptions(namespace="default", field_selector="status.phase=Succeeded"))
    assert log.data == b"hello\n"
    assert [json.loads(p)["metadata"]["name"] for p in listed.items_json] == ["p1"]
    assert (await store.must_get(kinds.POD, "default", "p1"))["status"]["phase"] == "Succeeded"


async def test_scheduler_binds_a_gang_and_reports_status(controller_target: str, redis_proc: redis_server.RedisServer,
                                                          store: objects.Store) -> None:
    async with rpc_server.channel(controller_target) as ch:
        await nodes_pb2_grpc.NodeServiceStub(ch).Register(
            nodes_pb2.RegisterRequest(agent_id="a1", nodes_json=[json.dumps(node("n1", cpu="2"))]))
        job = {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "metadata": {"name": "g"},
               "spec": {"minAvailable": 2, "tasks": [{"name": "w", "replicas": 2, "template": {"spec": {
                   "containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "1"}}}]}}}]}}
        await jobs_pb2_grpc.JobServiceStub(ch).Create(
            jobs_pb2.CreateJobRequest(namespace="default", object_json=json.dumps(job)))
    settings = SchedulerSettings(redis_url=redis_proc.url, listen="127.0.0.1:0", period_seconds=0.1)
    async with servers.running(scheduler_app.serve, settings) as target:
        async def bound() -> list[dict[str, Any]]:
            pods = await store.list_all(kinds.POD, "default")
            return [p for p in pods if p["spec"].get("nodeName") == "n1"] if len(pods) == 2 else []

        assert len(await servers.eventually(bound)) == 2
        async with rpc_server.channel(target) as ch:
            status = await scheduler_pb2_grpc.SchedulerServiceStub(ch).Status(scheduler_pb2.SchedulerStatusRequest())
    assert status.pods_bound == 2 and status.sessions >= 1


async def test_cluster_status_lists_live_instances_and_asks_schedulers(
        controller_target: str, redis_proc: redis_server.RedisServer, redis_client: aioredis.Redis) -> None:
    settings = SchedulerSettings(redis_url=redis_proc.url, listen="127.0.0.1:0", period_seconds=0.2)
    async with servers.running(scheduler_app.serve, settings) as sched_addr:
        await membership.Membership(redis_client, "scheduler", "s-test", ttl_seconds=30, address=sched_addr).refresh()
        await membership.Membership(redis_client, "scheduler", "s-gone", ttl_seconds=30, address="").refresh()
        async with rpc_server.channel(controller_target) as ch:
            await nodes_pb2_grpc.NodeServiceStub(ch).Register(
                nodes_pb2.RegisterRequest(agent_id="a1", nodes_json=[json.dumps(node("n1"))]))
            cluster = scheduler_pb2_grpc.ClusterServiceStub(ch)
            status = await cluster.Status(scheduler_pb2.ClusterStatusRequest())
            listed = await cluster.ListNodes(scheduler_pb2.ListNodesRequest(label_selector="kubernetes.io/hostname=n1"))
    by_id = {s.id: s for s in status.schedulers}
    assert {"s-test", "s-gone"} <= set(by_id)
    assert by_id["s-test"].address == sched_addr and by_id["s-test"].HasField("scheduler")
    assert not by_id["s-gone"].HasField("scheduler")
    assert (status.nodes, status.ready_nodes) == (1, 1)
    assert [json.loads(n)["metadata"]["name"] for n in listed.items_json] == ["n1"]
