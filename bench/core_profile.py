"""The pure scheduling core alone: no Redis, one snapshot, one ``run_session``.

    .venv/bin/python -m bench.core_profile [--nodes 10000] [--pods 20000] [--gang 8] [--bound 0]
    .venv/bin/python -m cProfile -s tottime -m bench.core_profile --pods 4000 | head -40

Same shape as bench/scheduler_throughput (16-cpu nodes, gangs of 8 one-cpu pods, default policy),
built directly with ``framework.build_snapshot``: prints snapshot build time and pods/s of the
session, plus a digest of the decisions so that runs can be compared for determinism.
"""

from __future__ import annotations

import argparse
import hashlib
import time

from bench import cluster, workload
from services.scheduler import conf, framework


def snapshot(nodes: int, pods: int, gang: int, bound: int = 0) -> framework.Snapshot:
    """``pods`` pending pods, plus ``bound`` pods of earlier gangs already running (round robin
    over the nodes), as in the later sessions of the throughput benchmark."""
    node_objs = [workload.node(f"node-{i:05d}", cluster.DEFAULT_NODE) for i in range(nodes)]
    running = [workload.Gang(f"old-{i:06d}", gang, phase="Running") for i in range(bound // gang)]
    gangs = [workload.Gang(f"job-{i:06d}", gang) for i in range(pods // gang)]
    pod_objs = [p for g in gangs for p in g.pods()]
    for i, p in enumerate(q for g in running for q in g.pods()):
        p["spec"]["nodeName"], p["status"]["phase"] = f"node-{i % nodes:05d}", "Running"
        pod_objs.append(p)
    return framework.build_snapshot(
        node_objs, pod_objs, [g.podgroup() for g in running + gangs], [workload.queue("default")]
    )


def digest(result: framework.SessionResult) -> str:
    """A fingerprint of which pod went to which node."""
    binds = sorted(f"{p.namespace}/{p.name}@{p.node}" for g in result.binds for p in g.pods)
    return hashlib.sha256("\n".join(binds).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--pods", type=int, default=20_000)
    parser.add_argument("--gang", type=int, default=8)
    parser.add_argument("--bound", type=int, default=0, help="pods of earlier gangs already running")
    args = parser.parse_args()
    t0 = time.perf_counter()
    snap = snapshot(args.nodes, args.pods, args.gang, args.bound)
    t1 = time.perf_counter()
    result = framework.run_session(snap, conf.default_conf(), now=0.0)
    t2 = time.perf_counter()
    bound = sum(len(g.pods) for g in result.binds)
    print(f"snapshot {t1 - t0:.2f} s; session {t2 - t1:.2f} s: {bound} pods bound, "
          f"{bound / (t2 - t1):.0f} pods/s; decisions {digest(result)}")


if __name__ == "__main__":
    main()
