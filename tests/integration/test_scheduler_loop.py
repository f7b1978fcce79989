"""The scheduler's session loop on a real Redis: each session opens on a view holding every
commit made before it, and an instance with nothing to do skips sessions until something it owns
changes (its own commits do not count)."""

from __future__ import annotations

import asyncio
import copy
import gc
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from basalt import redis_server
from basalt.api import kinds
from basalt.store import objects, txn
from bench import workload
from services.scheduler import app, commit, loop
from services.scheduler.settings import Settings


@pytest.fixture
async def scheduler(redis_proc: redis_server.RedisServer,
                    redis_client: aioredis.Redis) -> AsyncIterator[loop.SchedulerLoop]:
    sched = app.build(Settings(redis_url=redis_proc.url, instance_id="solo"), redis_client)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(sched.cache.run(stop)), asyncio.create_task(app.renew(sched.members, stop))]
    await app.until_synced(sched.cache, stop)
    yield sched
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await sched.close()
    gc.unfreeze()  # run_once froze the test process's heap (heap.Heap.settle)


async def _cluster(store: objects.Store, gangs: list[workload.Gang]) -> None:
    await workload.add_nodes(store, ["n1", "n2"], {"cpu": "8", "memory": "16Gi", "pods": "110"})
    await workload.create_all(store, kinds.QUEUE, [workload.queue("default")])
    await workload.add_gangs(store, gangs)


async def test_an_idle_instance_skips_sessions_until_something_it_owns_changes(
        store: objects.Store, scheduler: loop.SchedulerLoop) -> None:
    await _cluster(store, [workload.Gang("a", 2)])
    await scheduler.run_once()
    assert scheduler.stats.pods_bound == 2
    await scheduler.run_once()  # only our own binds came back: nothing to do
    assert (scheduler.stats.sessions, scheduler.stats.sessions_skipped) == (1, 1)

    pod = await store.must_get(kinds.POD, "default", "a-0")  # the agent starts a pod
    running = copy.deepcopy(pod)
    running["status"]["phase"] = "Running"
    await store.update(kinds.POD, running, old=pod)
    await scheduler.run_once()
    assert (scheduler.stats.sessions, scheduler.stats.sessions_skipped) == (2, 1)
    group = await store.must_get(kinds.PODGROUP, "default", "a")
    assert group["status"]["running"] == 1

    await workload.add_gangs(store, [workload.Gang("b", 3)])  # new work: a session binds it
    await scheduler.run_once()
    assert scheduler.stats.pods_bound == 5 and scheduler.stats.sessions == 3


async def test_a_session_opens_on_every_commit_made_before_it(
        store: objects.Store, scheduler: loop.SchedulerLoop) -> None:
    """Another instance binds a gang just before this one's session: the session must see it
    bound (no re-plan, no conflict), although its watch event may still be on the way."""
    await _cluster(store, [workload.Gang("x", 2)])
    await scheduler.cache.catch_up()
    plan = txn.Txn(origin="other")
    for name in ("x-0", "x-1"):
        pod = await store.must_get(kinds.POD, "default", name)
        plan.put(kinds.POD, commit.bound_pod(pod, "n2"), expect=int(pod["metadata"]["resourceVersion"]), old=pod)
    await store.commit(plan)
    await scheduler.run_once()
    assert scheduler.stats.pods_bound == 0 and scheduler.stats.commit_conflicts == 0
    assert all(scheduler.cache.pod_records[f"default/x-{i}"].node == "n2" for i in range(2))
