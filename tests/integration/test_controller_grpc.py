"""The controller's JobService and PodService over real gRPC, with real admission and Redis."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import grpc
import pytest
import yaml

from basalt import errors
from basalt.api import kinds
from basalt.rpc import server as rpc_server
from basalt.rpc import status
from basalt.store import objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from tests import servers

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gang-job.yaml"


def example_job(name: str = "gang-demo") -> dict[str, Any]:
    job: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    job["metadata"]["name"] = name
    return job


async def create(stub: jobs_pb2_grpc.JobServiceStub, job: dict[str, Any], key: str = "") -> dict[str, Any]:
    reply = await stub.Create(jobs_pb2.CreateJobRequest(namespace="default", object_json=json.dumps(job),
                                                        idempotency_key=key))
    created: dict[str, Any] = json.loads(reply.object_json)
    return created


async def test_create_defaults_and_creates_podgroup(controller_target: str, store: objects.Store) -> None:
    async with rpc_server.channel(controller_target) as ch:
        stub = jobs_pb2_grpc.JobServiceStub(ch)
        job = example_job()
        del job["spec"]["queue"]
        created = await create(stub, job)
        assert created["spec"]["queue"] == "default" and created["spec"]["maxRetry"] == 3
        fetched = json.loads((await stub.Get(common_pb2.ObjectKey(namespace="default", name="gang-demo"))).object_json)
        assert fetched["metadata"]["uid"] == created["metadata"]["uid"]

        async def podgroup() -> list[dict[str, Any]]:
            return await store.list_all(kinds.PODGROUP, "default")

        groups = await servers.eventually(podgroup)
        assert groups[0]["metadata"]["name"] == f"gang-demo-{created['metadata']['uid']}"
        assert groups[0]["spec"]["minMember"] == 4


async def test_refused_job_returns_every_cause_and_stores_nothing(controller_target: str, store: objects.Store) -> None:
    job = example_job("bad")
    job["spec"]["tasks"][1]["name"] = "master"  # duplicate task name
    job["spec"]["minAvailable"] = 99              # more than the 4 replicas
    async with rpc_server.channel(controller_target) as ch:
        with pytest.raises(grpc.RpcError) as caught:
            await create(jobs_pb2_grpc.JobServiceStub(ch), job)
    err = status.from_rpc_error(caught.value)
    assert isinstance(err, errors.Invalid)
    fields = {c.field for c in err.causes}
    assert len(err.causes) >= 2, err.causes
    assert any("tasks" in f for f in fields) and any("minAvailable" in f for f in fields)
    assert await store.get(kinds.JOB, "default", "bad") is None


async def test_duplicate_is_already_exists_and_idempotency_key_replays(controller_target: str) -> None:
    async with rpc_server.channel(controller_target) as ch:
        stub = jobs_pb2_grpc.JobServiceStub(ch)
        first = await create(stub, example_job("idem"), key="k-1")
        again = await create(stub, example_job("idem"), key="k-1")
        assert again["metadata"]["uid"] == first["metadata"]["uid"]
        with pytest.raises(grpc.RpcError) as caught:
            await create(stub, example_job("idem"))
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert isinstance(status.from_rpc_error(caught.value), errors.AlreadyExists)


async def test_list_delete_and_not_found(controller_target: str) -> None:
    async with rpc_server.channel(controller_target) as ch:
        stub = jobs_pb2_grpc.JobServiceStub(ch)
        for i in range(3):
            await create(stub, example_job(f"j{i}"))
        page = await stub.List(common_pb2.ListOptions(namespace="default", limit=2))
        assert len(page.items_json) == 2 and page.continue_token
        rest = await stub.List(common_pb2.ListOptions(namespace="default", continue_token=page.continue_token))
        assert [json.loads(j)["metadata"]["name"] for j in rest.items_json] == ["j2"]
        await stub.Delete(common_pb2.ObjectKey(namespace="default", name="j0"))
        with pytest.raises(grpc.RpcError) as caught:
            await stub.Get(common_pb2.ObjectKey(namespace="default", name="j0"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
