"""Scheduler throughput at scale: 10,000 nodes, 100,000 pending pods in gangs of 8.

    .venv/bin/python -m bench.scheduler_throughput [--nodes N] [--pods P] [--instances 2]

One instance runs in this process (the loader runs in a child, so this process's peak RSS is the
scheduler's): prints pods bound per second (sustained, Redis commits included), session open
(snapshot build) p50/p99 and peak RSS. With ``--instances K`` it runs 1 and then K scheduler
processes on the same workload and prints both rates, their ratio and the conflict rate;
``--repeat N`` (default 3) runs N pairs, alternating their order (1,K then K,1: a shared
machine's speed drifts from run to run), and prints each pair's ratio and their median.
Targets: >= 1,000 pods/s, p99 session open < 1 s, RSS < 500 MB; K=2: >= 1.5x, conflicts < 5%.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pathlib
import statistics
import tempfile
import time

from bench import cluster, instances, workload
from services.scheduler.settings import Settings


def gangs(pods: int, size: int) -> list[workload.Gang]:
    return [workload.Gang(f"job-{i:06d}", size) for i in range(pods // size)]


async def in_process(url: str, pods: int, limit: float, max_groups: int) -> None:
    run = await cluster.run_in_process(url, pods, limit, max_groups)
    s = run.stats
    print(f"cache synced (initial list) in {run.sync_seconds:.2f} s; RSS then {run.synced_rss_mb:.0f} MB")
    print(f"bound {s.pods_bound} pods ({s.gangs_bound} gangs) in {run.elapsed:.1f} s: "
          f"{s.pods_bound / run.elapsed:.0f} pods/s sustained")
    print(f"sessions {len(run.sessions)}; session wall p50 {cluster.percentile(run.sessions, 0.5):.2f} s, "
          f"max {max(run.sessions):.2f} s")
    print(f"session open (snapshot build) p50 {cluster.percentile(run.opens, 0.5) * 1000:.0f} ms, "
          f"p99 {cluster.percentile(run.opens, 0.99) * 1000:.0f} ms")
    print(f"time in sessions: open {sum(run.opens):.1f} s, pure session {sum(run.runs):.1f} s, "
          f"commit {sum(run.commits):.1f} s")
    print(f"commits {s.commits}, conflicts {s.commit_conflicts}")
    print(f"scheduler peak RSS (VmHWM) {cluster.peak_rss_mb():.0f} MB")


async def processes(url: str, redis_pid: int, count: int, pods: int, limit: float,
                    max_groups: int) -> tuple[float, float]:
    """K scheduler processes; returns (pods/s, conflict rate). Also prints the CPU seconds each
    scheduler and Redis used while binding: on 2 cores, that budget is what K instances share."""
    with tempfile.TemporaryDirectory() as logs:
        procs = [instances.start(url, f"bench-{i}", pathlib.Path(logs), period_seconds=0.01,
                                 max_groups_per_session=max_groups) for i in range(count)]
        try:
            await instances.wait_ready(procs, timeout=600)
            pids = [p.process.pid for p in procs] + [redis_pid]
            cpu_before = [cluster.cpu_seconds(pid) for pid in pids]
            started = time.perf_counter()
            bound = 0
            while bound < pods and time.perf_counter() - started < limit:
                await asyncio.sleep(0.5)  # sampling interval of the progress poll
                statuses = [await cluster.status(p.address) for p in procs]
                bound = sum(s.pods_bound for s in statuses)
            elapsed = time.perf_counter() - started
            commits = sum(s.commits for s in statuses)
            conflicts = sum(s.commit_conflicts for s in statuses)
            rss = [cluster.peak_rss_mb(p.process.pid) for p in procs]
            cpu = [cluster.cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before)]
        finally:
            for p in procs:
                p.stop()
    rate = bound / elapsed
    print(f"{count} instance(s): bound {bound} pods in {elapsed:.1f} s: {rate:.0f} pods/s; "
          f"commits {commits}, conflicts {conflicts} ({100 * conflicts / max(commits, 1):.2f}%); "
          f"peak RSS {', '.join(f'{r:.0f}' for r in rss)} MB")
    print(f"  pods bound per instance {', '.join(str(s.pods_bound) for s in statuses)}; CPU seconds: "
          f"schedulers {', '.join(f'{c:.1f}' for c in cpu[:-1])}, Redis {cpu[-1]:.1f} "
          f"(wall {elapsed:.1f} s x {os.cpu_count()} cores)")
    return rate, conflicts / max(commits, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--pods", type=int, default=100_000)
    parser.add_argument("--gang", type=int, default=8)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--max-groups", type=int, default=Settings.max_groups_per_session)
    parser.add_argument("--limit", type=float, default=600.0, help="stop measuring after this many seconds")
    parser.add_argument("--repeat", type=int, default=3,
                        help="with --instances K: this many 1-vs-K pairs, in alternating order (median reported)")
    args = parser.parse_args()
    work = gangs(args.pods, args.gang)
    with cluster.redis() as server:
        loaded = cluster.load(server.url, args.nodes, work)
        print(f"loaded {args.nodes} nodes and {len(work) * args.gang} pods in {len(work)} gangs in {loaded:.1f} s")
        if args.instances == 1:
            asyncio.run(in_process(server.url, len(work) * args.gang, args.limit, args.max_groups))
            return
        ratios = []
        first = True
        for round_ in range(args.repeat):
            rates = {}
            # Alternate the order (1,K then K,1): a machine whose speed drifts favours neither.
            for count in (1, args.instances) if round_ % 2 == 0 else (args.instances, 1):
                if not first:
                    cluster.load(server.url, args.nodes, work)  # the same backlog, pending again
                first = False
                rates[count] = asyncio.run(processes(server.url, server.process.pid, count, len(work) * args.gang,
                                                     args.limit, args.max_groups))
            (one, _), (many, conflict_rate) = rates[1], rates[args.instances]
            ratios.append(many / one)
            print(f"ratio {args.instances} vs 1 instance: {many / one:.2f}x; conflict rate {100 * conflict_rate:.2f}%")
        if args.repeat > 1:
            print(f"ratios {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
