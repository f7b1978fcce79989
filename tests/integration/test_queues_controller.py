"""QueueService and the queue controller over real gRPC, with real admission and Redis."""

from __future__ import annotations

import copy
import json
from typing import Any

import grpc
import pytest

from basalt import errors
from basalt.api import kinds, meta
from basalt.rpc import status
from basalt.store import extras
from basalt.v1 import common_pb2, jobs_pb2
from tests import servers
from tests.integration.test_controller_lifecycle import (  # noqa: F401 - cluster is a fixture
    Cluster, JobSpec, cluster, retry_on_conflict)

Obj = dict[str, Any]


async def create_queue(cluster: Cluster, name: str, parent: str = "") -> Obj:
    spec: Obj = {"weight": 1}
    if parent:
        spec["parent"] = parent
    reply = await cluster.queues.Create(jobs_pb2.CreateObjectRequest(
        object_json=json.dumps({"metadata": {"name": name}, "spec": spec})))
    return json.loads(reply.object_json)  # type: ignore[no-any-return]


async def queue_status(cluster: Cluster, name: str) -> Obj:
    reply = await cluster.queues.Get(common_pb2.ObjectKey(name=name))
    return json.loads(reply.object_json).get("status") or {}


async def operate(cluster: Cluster, name: str, action: str) -> Obj:
    reply = await cluster.queues.Operate(jobs_pb2.OperateQueueRequest(name=name, action=action))
    return json.loads(reply.object_json)  # type: ignore[no-any-return]


def in_state(cluster: Cluster, name: str, state: str) -> Any:
    async def check() -> Obj | None:
        found = await queue_status(cluster, name)
        return found if found.get("state") == state else None
    return check


async def test_closing_waits_for_podgroups_then_closes_and_refuses_jobs(cluster: Cluster) -> None:
    created = await create_queue(cluster, "team")
    assert created["status"]["state"] == "Open"
    await cluster.submit(JobSpec("held", queue="team").task("w", 1).obj())
    await servers.eventually(lambda: cluster.group("held"))

    cmd = await operate(cluster, "team", "close")
    assert cmd["action"] == "CloseQueue" and cmd["target"]["kind"] == "Queue"

    closing = await servers.eventually(in_state(cluster, "team", "Closing"))
    assert closing["pending"] == 1

    await cluster.jobs.Delete(common_pb2.ObjectKey(namespace="default", name="held"))
    closed = await servers.eventually(in_state(cluster, "team", "Closed"))
    assert closed["pending"] == 0

    with pytest.raises(grpc.RpcError) as caught:
        await cluster.submit(JobSpec("late", queue="team").task("w", 1).obj())
    err = status.from_rpc_error(caught.value)
    assert isinstance(err, errors.Invalid)
    assert [c.field for c in err.causes] == ["spec.queue"]
    assert "can only submit job to queue with state `Open`" in err.causes[0].message

    await operate(cluster, "team", "open")
    await servers.eventually(in_state(cluster, "team", "Open"))


async def test_closing_a_parent_closes_its_children_and_opening_reopens_them(cluster: Cluster) -> None:
    await create_queue(cluster, "dept")
    await create_queue(cluster, "dept-a", parent="dept")
    await create_queue(cluster, "loner")

    await operate(cluster, "dept", "close")

    await servers.eventually(in_state(cluster, "dept", "Closed"))
    await servers.eventually(in_state(cluster, "dept-a", "Closed"))
    child = await cluster.store.get(kinds.QUEUE, "", "dept-a")
    assert meta.annotations_of(child or {})["volcano.sh/closed-by-parent"] == "true"
    assert (await queue_status(cluster, "loner"))["state"] == "Open"

    await operate(cluster, "dept", "open")
    await servers.eventually(in_state(cluster, "dept-a", "Open"))


async def test_queue_counts_running_groups_and_allocated_pods(cluster: Cluster) -> None:
    await create_queue(cluster, "busy")
    await cluster.submit(JobSpec("busy-job", queue="busy").task("w", 1).obj())
    await cluster.admit("busy-job")
    pods = await servers.eventually(lambda: cluster.pods("busy-job"))
    await extras.Extras(cluster.store.redis).set_allocatable("n1", {"cpu": 4000, "pods": 110_000})
    bound = copy.deepcopy(pods[0])
    bound["spec"]["nodeName"] = "n1"
    bound["status"] = {"phase": "Running"}
    await cluster.store.update(kinds.POD, bound, old=pods[0])

    async def allocated() -> Obj | None:
        found = await queue_status(cluster, "busy")
        return found if found.get("allocated") == {"cpu": "100m", "pods": "1"} else None
    found = await servers.eventually(allocated)
    assert found["inqueue"] + found["running"] == 1


async def test_built_in_queues_cannot_be_deleted_and_others_can(cluster: Cluster) -> None:
    for name in ("root", "default"):
        with pytest.raises(grpc.RpcError) as caught:
            await cluster.queues.Delete(common_pb2.ObjectKey(name=name))
        assert "can not be deleted" in caught.value.details()
    await create_queue(cluster, "temp")
    await cluster.queues.Delete(common_pb2.ObjectKey(name="temp"))
    assert await cluster.store.get(kinds.QUEUE, "", "temp") is None


async def test_update_changes_weight_and_keeps_status(cluster: Cluster) -> None:
    await create_queue(cluster, "w")

    async def attempt() -> Obj | None:
        queue = json.loads((await cluster.queues.Get(common_pb2.ObjectKey(name="w"))).object_json)
        queue["spec"]["weight"] = 5
        queue.pop("status")
        return await retry_on_conflict(cluster.queues.Update(jobs_pb2.UpdateRequest(object_json=json.dumps(queue))))
    updated = await servers.eventually(attempt)
    assert updated["spec"]["weight"] == 5 and updated["status"]["state"] == "Open"


async def test_watch_queues_from_the_start(cluster: Cluster) -> None:
    stream = cluster.queues.Watch(jobs_pb2.WatchRequest())
    names: set[str] = set()
    while not {"root", "default"} <= names:
        names.add(meta.name(json.loads((await stream.read()).object_json)))
    stream.cancel()
