"""A Slurm-shaped backlog: 100 nodes x 32 cpu, 2,000 one-pod jobs queued before the scheduler starts.

    .venv/bin/python -m bench.slurm_shape [--nodes 100] [--jobs 2000]

Prints the time from the scheduler's start (cache sync included) until every pod is bound, as
pods per second. 2,000 one-cpu pods fit in 3,200 cpus, so everything binds.
"""

from __future__ import annotations

import argparse
import asyncio

from bench import cluster, workload
from services.scheduler.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--max-groups", type=int, default=Settings.max_groups_per_session)
    args = parser.parse_args()
    jobs = [workload.Gang(f"job-{i:05d}", 1) for i in range(args.jobs)]
    with cluster.redis() as server:
        loaded = cluster.load(server.url, args.nodes, jobs, {"cpu": "32", "memory": "128Gi", "pods": "110"})
        print(f"queued {args.jobs} one-pod jobs on {args.nodes} nodes x 32 cpu in {loaded:.1f} s")
        run = asyncio.run(cluster.run_in_process(server.url, args.jobs, 600.0, args.max_groups))
    print(f"all {run.stats.pods_bound} pods bound {run.total:.2f} s after the scheduler started "
          f"(cache sync {run.sync_seconds:.2f} s, {len(run.sessions)} sessions): "
          f"{run.stats.pods_bound / run.total:.0f} pods/s")
    print(f"time in sessions: open {sum(run.opens):.2f} s, pure session {sum(run.runs):.2f} s, "
          f"commit {sum(run.commits):.2f} s ({run.stats.commits} commits)")


if __name__ == "__main__":
    main()
