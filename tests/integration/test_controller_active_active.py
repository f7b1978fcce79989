"""Two controllers on one Redis split the jobs by the ring; one dying hands its jobs to the other."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from basalt import redis_server, ring
from basalt.api import kinds
from basalt.rpc import server as rpc_server
from basalt.store import membership, objects
from basalt.v1 import jobs_pb2, jobs_pb2_grpc
from services.controller import app as controller_app
from services.controller.settings import Settings as ControllerSettings
from tests import servers


def job(name: str) -> str:
    return json.dumps({"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "metadata": {"name": name},
                       "spec": {"minAvailable": 1, "tasks": [{"name": "t", "replicas": 1, "template": {"spec": {
                           "containers": [{"name": "c", "image": "x", "command": ["true"]}]}}}]}})


async def submit(target: str, names: list[str]) -> None:
    async with rpc_server.channel(target) as ch:
        stub = jobs_pb2_grpc.JobServiceStub(ch)
        for name in names:
            await stub.Create(jobs_pb2.CreateJobRequest(namespace="default", object_json=job(name)))


async def groups_for(store: objects.Store, names: list[str]) -> bool:
    owners = {g["metadata"]["ownerReferences"][0]["name"] for g in await store.list_all(kinds.PODGROUP, "default")}
    return set(names) <= owners


async def test_jobs_split_by_ring_and_survive_a_dead_controller(
        redis_proc: redis_server.RedisServer, admission_target: str, store: objects.Store) -> None:
    def settings(name: str) -> ControllerSettings:
        return ControllerSettings(redis_url=redis_proc.url, listen="127.0.0.1:0", admission=admission_target,
                                  instance_id=name, lease_seconds=1.0, resync_seconds=1.0,
                                  metrics_listen="127.0.0.1:0")

    # b is a real process, so it can die by SIGKILL: no clean stop, its lease must expire.
    env = {**os.environ, "BASALT_REDIS_URL": redis_proc.url, "BASALT_LISTEN": "127.0.0.1:0",
           "BASALT_ADMISSION": admission_target, "BASALT_INSTANCE_ID": "ctl-b", "BASALT_LEASE_SECONDS": "1.0",
           "BASALT_RESYNC_SECONDS": "1.0"}
    b = subprocess.Popen([sys.executable, "-m", "services.controller"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with servers.running(controller_app.serve, settings("ctl-a")) as a_addr:
            async def both_members() -> bool:
                return set(await membership.live(store.redis, "controller")) == {"ctl-a", "ctl-b"}

            await servers.eventually(both_members, timeout=30)
            first = [f"job-{i}" for i in range(12)]
            await submit(a_addr, first)
            await servers.eventually(lambda: groups_for(store, first), timeout=20)

            b.kill()
            b.wait(timeout=10)
            second = [f"late-{i}" for i in range(12)]
            two = ring.Ring(["ctl-a", "ctl-b"])
            assert [n for n in second if two.owner(f"default/{n}") == "ctl-b"], "b must own part of the batch"
            await submit(a_addr, second)

            async def taken_over() -> bool:
                alone = set(await membership.live(store.redis, "controller")) == {"ctl-a"}
                return alone and await groups_for(store, second)

            await servers.eventually(taken_over, timeout=20)
            series = await servers.eventually(lambda: servers.scrape("controller", "ctl-a", store.redis))
            assert series["basalt_controller_ring_members"] == 1
            assert series["basalt_controller_takeovers_total"] == 1
            assert series["basalt_controller_takeover_duration_seconds_count"] == 1
            assert series['basalt_controller_takeover_duration_seconds_bucket{le="5.0"}'] == 1  # within 5 s
            assert series["basalt_controller_owned_jobs"] == 24
    finally:
        if b.poll() is None:
            b.kill()
            b.wait(timeout=10)
