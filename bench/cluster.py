"""A bench cluster: a private Redis on a temp dir, loaded by a separate process (so the loader's
memory never counts as the scheduler's), and the figures the benches print."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pathlib
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import grpc

from basalt import redis_server
from basalt.store import connection, objects
from basalt.v1 import scheduler_pb2, scheduler_pb2_grpc
from bench import workload
from services.scheduler import app, commit
from services.scheduler.settings import Settings

DEFAULT_NODE = {"cpu": "16", "memory": "64Gi", "pods": "110"}


@contextlib.contextmanager
def redis() -> Iterator[redis_server.RedisServer]:
    with tempfile.TemporaryDirectory(prefix="basalt-bench-") as tmp:
        server = redis_server.start(pathlib.Path(tmp))
        try:
            yield server
        finally:
            server.stop()


def load(url: str, nodes: int, gangs: Sequence[workload.Gang], node: dict[str, str] | None = None) -> float:
    """Write nodes, the default queue and the gangs from a child process; returns seconds taken."""
    started = time.perf_counter()
    proc = multiprocessing.get_context("spawn").Process(target=_load_main, args=(url, nodes, list(gangs),
                                                                                  node or DEFAULT_NODE))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"loader failed with exit code {proc.exitcode}")
    return time.perf_counter() - started


def _load_main(url: str, nodes: int, gangs: list[workload.Gang], node: dict[str, str]) -> None:
    asyncio.run(_load(url, nodes, gangs, node))


async def _load(url: str, nodes: int, gangs: list[workload.Gang], node: dict[str, str]) -> None:
    from basalt.api import kinds  # noqa: PLC0415 - the child imports what it needs

    client = connection.connect(url)
    store = objects.Store(client)
    await client.flushdb()
    await workload.add_nodes(store, [f"node-{i:05d}" for i in range(nodes)], node)
    await workload.create_all(store, kinds.QUEUE, [workload.queue("default")])
    await workload.add_gangs(store, gangs)
    await client.aclose()


async def status(address: str) -> scheduler_pb2.SchedulerStatus:
    async with grpc.aio.insecure_channel(address) as ch:
        reply: scheduler_pb2.SchedulerStatus = await scheduler_pb2_grpc.SchedulerServiceStub(ch).Status(
            scheduler_pb2.SchedulerStatusRequest(), timeout=10)
        return reply


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM (peak resident set) of a process, in MB."""
    return _status_mb(pid, "VmHWM:")


def rss_mb(pid: int | str = "self") -> float:
    """VmRSS (current resident set) of a process, in MB."""
    return _status_mb(pid, "VmRSS:")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used so far (utime + stime in /proc/<pid>/stat)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_mb(pid: int | str, field_name: str) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Run:
    """One in-process scheduler run: from its start (cache sync included) to all pods bound."""

    stats: commit.Stats
    sync_seconds: float = 0.0
    synced_rss_mb: float = 0.0  # resident set once the cache holds everything, before any session
    elapsed: float = 0.0  # from the first session to the last
    total: float = 0.0  # from start, cache sync included
    opens: list[float] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)
    commits: list[float] = field(default_factory=list)
    sessions: list[float] = field(default_factory=list)


async def run_in_process(url: str, pods: int, limit: float, max_groups: int) -> Run:
    """Start one scheduler here and run sessions back to back until ``pods`` are bound."""
    started = time.perf_counter()
    client = connection.connect(url)
    scheduler = app.build(Settings(redis_url=url, instance_id="bench-0", max_groups_per_session=max_groups), client)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(scheduler.cache.run(stop)), asyncio.create_task(app.renew(scheduler.members, stop))]
    await app.until_synced(scheduler.cache, stop)
    run = Run(scheduler.stats, sync_seconds=time.perf_counter() - started, synced_rss_mb=rss_mb())
    first = time.perf_counter()
    try:
        while scheduler.stats.pods_bound < pods and time.perf_counter() - first < limit:
            t0 = time.perf_counter()
            await scheduler.run_once()
            run.sessions.append(time.perf_counter() - t0)
            run.opens.append(scheduler.last_open_seconds)
            run.runs.append(scheduler.last_run_seconds)
            run.commits.append(scheduler.last_commit_seconds)
    finally:
        run.elapsed, run.total = time.perf_counter() - first, time.perf_counter() - started
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await scheduler.close()
        await scheduler.members.leave()
        await client.aclose()
    return run
