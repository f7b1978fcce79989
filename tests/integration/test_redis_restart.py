"""A Redis restart (with its append-only file) is survived: nothing accepted is lost, services
reconnect with backoff and their watches resume."""

from __future__ import annotations

import json
import pathlib
from collections.abc import AsyncIterator

import pytest

from basalt import redis_server
from basalt.api import kinds
from basalt.rpc import server as rpc_server
from basalt.store import connection, objects
from basalt.v1 import jobs_pb2, jobs_pb2_grpc
from services.admission import app as admission_app
from services.admission.settings import Settings as AdmissionSettings
from services.controller import app as controller_app
from services.controller.settings import Settings as ControllerSettings
from tests import servers


def job(name: str) -> dict[str, object]:
    return {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "metadata": {"name": name},
            "spec": {"minAvailable": 1, "tasks": [{"name": "t", "replicas": 1, "template": {"spec": {
                "containers": [{"name": "c", "image": "x", "command": ["true"]}]}}}]}}


@pytest.fixture
async def own_redis(tmp_path: pathlib.Path) -> AsyncIterator[redis_server.RedisServer]:
    server = redis_server.start(tmp_path / "redis")
    yield server
    server.stop()


async def test_controller_survives_redis_restart(own_redis: redis_server.RedisServer, tmp_path: pathlib.Path) -> None:
    store = objects.Store(connection.connect(own_redis.url))
    async with servers.running(admission_app.serve, AdmissionSettings(redis_url=own_redis.url, listen="127.0.0.1:0")) as adm:
        settings = ControllerSettings(redis_url=own_redis.url, listen="127.0.0.1:0", admission=adm)
        async with servers.running(controller_app.serve, settings) as ctl, rpc_server.channel(ctl) as ch:
            stub = jobs_pb2_grpc.JobServiceStub(ch)
            await stub.Create(jobs_pb2.CreateJobRequest(namespace="default", object_json=json.dumps(job("before"))))

            async def groups() -> int:
                return len(await store.list_all(kinds.PODGROUP, "default"))

            await servers.eventually(groups)
            own_redis.stop()  # SIGTERM: Redis flushes its append-only file and exits
            restarted = redis_server.start(own_redis.data_dir, own_redis.port)
            own_redis.process = restarted.process
            await stub.Create(jobs_pb2.CreateJobRequest(namespace="default", object_json=json.dumps(job("after"))),
                              timeout=30)

            async def both_groups() -> bool:
                return await groups() == 2

            await servers.eventually(both_groups, timeout=30)  # the controller's watch resumed
    names = sorted(j["metadata"]["name"] for j in await store.list_all(kinds.JOB, "default"))
    assert names == ["after", "before"]
    await store.redis.aclose()
