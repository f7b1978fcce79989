"""Several scheduler instances racing over one real Redis: the invariants hold, kills are survived.

Gangs of random sizes on tight nodes; afterwards no node is over capacity (and Redis accounting
equals the sum over bound pods), every gang is bound whole or not at all, no pod was bound twice,
and nothing that still fits is left waiting. Then the same with one instance killed (SIGKILL, so
its lease must expire), and the steady state: each gang is bound by the instance the ring names.
"""

from __future__ import annotations

import contextlib
import pathlib
import random
from collections.abc import AsyncIterator

import grpc
import pytest

from basalt import redis_server, ring
from basalt.api import kinds
from basalt.store import objects
from basalt.v1 import scheduler_pb2, scheduler_pb2_grpc
from bench import instances, invariants, workload
from services.scheduler import app
from services.scheduler.settings import Settings
from tests import servers

NODE = {"cpu": "4", "memory": "16Gi", "pods": "110"}


async def _cluster(store: objects.Store, nodes: int) -> None:
    await workload.add_nodes(store, [f"n{i}" for i in range(nodes)], NODE)
    await workload.create_all(store, kinds.QUEUE, [workload.queue("default")])


def _gangs(seed: int, count: int, prefix: str = "g", sizes: tuple[int, int] = (1, 5)) -> list[workload.Gang]:
    rng = random.Random(seed)
    return [workload.Gang(f"{prefix}{i:03d}", rng.randint(*sizes), cpu=rng.choice(["1", "500m", "1500m"]))
            for i in range(count)]


@contextlib.asynccontextmanager
async def _in_process(redis_url: str, count: int) -> AsyncIterator[list[str]]:
    async with contextlib.AsyncExitStack() as stack:
        addresses = [await stack.enter_async_context(servers.running(app.serve, Settings(
            redis_url=redis_url, instance_id=f"s{i}", period_seconds=0.05, lease_ttl_seconds=5.0)))
            for i in range(count)]
        yield addresses


async def _status(address: str) -> scheduler_pb2.SchedulerStatus:
    async with grpc.aio.insecure_channel(address) as ch:
        reply: scheduler_pb2.SchedulerStatus = await scheduler_pb2_grpc.SchedulerServiceStub(ch).Status(
            scheduler_pb2.SchedulerStatusRequest())
        return reply


def _cpu(gang: workload.Gang) -> int:
    return gang.size * (int(gang.cpu[:-1]) if gang.cpu.endswith("m") else int(gang.cpu) * 1000)


async def _settled(store: objects.Store, gangs: list[workload.Gang]) -> invariants.Report | None:
    """The report once nothing more fits: every unbound gang needs more cpu than is free in total
    (each pod fits on any node with room, so total free cpu decides whether a gang could fit)."""
    report = await invariants.check(store)
    assert not report.problems, report.problems
    free = sum(f.get("cpu", 0) for f in report.free.values())
    waiting = [g for g in gangs if g.key in report.unbound_gangs]
    fits = [g.key for g in waiting if _cpu(g) <= free and _fits_per_node(g, report)]
    return None if fits else report


def _fits_per_node(gang: workload.Gang, report: invariants.Report) -> bool:
    per_pod = _cpu(gang) // gang.size
    slots = sum(f.get("cpu", 0) // per_pod for f in report.free.values())
    return slots >= gang.size


@pytest.mark.parametrize("seed", [1, 2])
async def test_racing_instances_keep_capacity_gangs_and_single_binds(
        store: objects.Store, redis_proc: redis_server.RedisServer, seed: int) -> None:
    await _cluster(store, 6)
    gangs = _gangs(seed, 40)
    async with _in_process(redis_proc.url, 3) as addresses:
        await workload.add_gangs(store, gangs)
        report = await servers.eventually(lambda: _settled(store, gangs), timeout=60)
        statuses = [await _status(a) for a in addresses]
    assert report.bound_gangs, "something must have been placed"
    assert sum(s.pods_bound for s in statuses) == sum(g.size for g in gangs if g.key in report.bound_gangs)
    assert all(s.sessions > 0 for s in statuses)


async def test_each_gang_is_bound_by_the_instance_the_ring_names(
        store: objects.Store, redis_proc: redis_server.RedisServer) -> None:
    await _cluster(store, 40)  # room for everything: only ownership decides who binds what
    gangs = _gangs(7, 60, sizes=(1, 3))
    owners = ring.Ring(["s0", "s1", "s2"])
    async with _in_process(redis_proc.url, 3) as addresses:
        await servers.eventually(lambda: _ring_of(addresses[0], 3))
        await workload.add_gangs(store, gangs)
        report = await servers.eventually(lambda: _settled(store, gangs), timeout=60)
        statuses = {s.instance_id: s for s in [await _status(a) for a in addresses]}
    assert report.unbound_gangs == set()
    for name, status in statuses.items():
        assert status.pods_bound == sum(g.size for g in gangs if owners.owner(g.key) == name), name
    commits = sum(s.commits for s in statuses.values())
    assert sum(s.commit_conflicts for s in statuses.values()) <= 0.05 * commits


async def _metrics_agree(store: objects.Store, statuses: list[scheduler_pb2.SchedulerStatus]) -> None:
    """Each survivor's /metrics (found through its lease) counts what its Status says."""
    for status in statuses:
        series = await servers.scrape("scheduler", status.instance_id, store.redis)
        assert series["basalt_scheduler_commit_conflicts_total"] == status.commit_conflicts, series
        assert series["basalt_scheduler_pods_bound_total"] >= status.pods_bound > 0
        assert series["basalt_scheduler_ring_members"] == 2
        took = series.get("basalt_scheduler_takeover_duration_seconds_count", 0.0)
        assert took == series["basalt_scheduler_takeovers_total"] == (1 if status.last_takeover_seconds else 0)
        if took:
            assert series['basalt_scheduler_takeover_duration_seconds_bucket{le="5.0"}'] == took


async def _ring_of(address: str, size: int) -> bool:
    return len((await _status(address)).members) == size


async def test_survivors_take_over_a_killed_instance(store: objects.Store, redis_proc: redis_server.RedisServer,
                                                     tmp_path: pathlib.Path) -> None:
    await _cluster(store, 60)  # room for both waves
    procs = [instances.start(redis_proc.url, f"s{i}", tmp_path, period_seconds=0.1, lease_ttl_seconds=2.0,
                             metrics_listen="127.0.0.1:0") for i in range(3)]
    try:
        await instances.wait_ready(procs)
        first = _gangs(3, 20, prefix="first", sizes=(1, 3))
        await workload.add_gangs(store, first)
        await servers.eventually(lambda: _settled(store, first), timeout=60)
        procs[2].kill()
        second = _gangs(4, 30, prefix="second", sizes=(1, 3))
        orphans = [g for g in second if ring.Ring(["s0", "s1", "s2"]).owner(g.key) == "s2"]
        assert orphans, "the killed instance must have owned part of the second wave"
        await workload.add_gangs(store, second)
        report = await servers.eventually(lambda: _settled(store, first + second), timeout=30)
        assert report.unbound_gangs == set()
        statuses = [await _status(p.address) for p in procs[:2]]
        assert all(list(s.members) == ["s0", "s1"] for s in statuses)
        takeovers = [s.last_takeover_seconds for s in statuses if s.last_takeover_seconds]
        assert takeovers and max(takeovers) < 5.0, takeovers
        await _metrics_agree(store, statuses)
    finally:
        for p in procs:
            p.stop()
