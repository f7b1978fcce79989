"""Takeover after kill -9: how long a dead scheduler's share waits once its lease has expired.

    .venv/bin/python -m bench.takeover [--instances 3] [--ttl 5] [--gangs 60] [--repeat 3]

Starts K scheduler processes, kills one with SIGKILL, then queues gangs (some of which the ring
still gives to the dead one). Prints, from the dead instance's lease expiry (its last renewal
time + ttl): the first bind of its share, the last bind of its share, and the takeover time the
survivors report in SchedulerService.Status (last_takeover_seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import pathlib
import tempfile
import time

from basalt import ring
from basalt.api import kinds, labels, meta
from basalt.store import connection, membership, objects
from bench import cluster, instances, workload


async def bound_at(store: objects.Store, share: set[str], deadline: float) -> tuple[float, float]:
    """Wall-clock times the first and the last gang of ``share`` were seen bound."""
    first, done = 0.0, set[str]()
    while len(done) < len(share) and time.time() < deadline:
        for pod in await store.list_all(kinds.POD):
            group = f"{meta.namespace(pod)}/{meta.annotations_of(pod).get(labels.GROUP_NAME, '')}"
            if group in share and (pod.get("spec") or {}).get("nodeName"):
                done.add(group)
                first = first or time.time()
        await asyncio.sleep(0.02)  # sampling interval, bounded by the deadline
    return first, time.time()


async def once(url: str, count: int, ttl: float, gangs: int, logs: pathlib.Path, round_: int) -> None:
    client = connection.connect(url)
    store = objects.Store(client)
    names = [f"sched-{round_}-{i}" for i in range(count)]
    procs = [instances.start(url, n, logs, period_seconds=0.2, lease_ttl_seconds=ttl) for n in names]
    try:
        await instances.wait_ready(procs)
        victim = procs[-1]
        lease = (await membership.live(client, "scheduler"))[victim.instance_id]
        victim.kill()
        expiry = lease.renewed + ttl
        wave = [workload.Gang(f"r{round_}-g{i:03d}", 2, cpu="500m") for i in range(gangs)]
        owners = ring.Ring(names)
        share = {g.key for g in wave if owners.owner(g.key) == victim.instance_id}
        await workload.add_gangs(store, wave)
        first, last = await bound_at(store, share, expiry + 60)
        statuses = [await cluster.status(p.address) for p in procs[:-1]]
        reported = [round(s.last_takeover_seconds, 2) for s in statuses]
        print(f"round {round_}: {len(share)} of {gangs} gangs were the killed instance's; from its lease expiry: "
              f"first bound after {first - expiry:.2f} s, all bound after {last - expiry:.2f} s; "
              f"survivors report last_takeover_seconds {reported}")
    finally:
        for p in procs:
            p.stop()
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--ttl", type=float, default=5.0)
    parser.add_argument("--gangs", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with cluster.redis() as server, tempfile.TemporaryDirectory() as logs:
        cluster.load(server.url, 50, [], {"cpu": "32", "memory": "128Gi", "pods": "110"})
        for r in range(args.repeat):
            asyncio.run(once(server.url, args.instances, args.ttl, args.gangs, pathlib.Path(logs), r))


if __name__ == "__main__":
    main()
