"""`basalt up`: the whole stack on this machine, optionally running a demo job to completion."""

from __future__ import annotations

import argparse
import pathlib
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from basalt import stack
from basalt.cli import demo


def add_parser(subparsers: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:  # type: ignore[type-arg]
    p = subparsers.add_parser("up", help="run Redis, admission, controller, schedulers, agent and gateway locally")
    p.add_argument("--runtime", choices=["process", "fake"], default="process",
                   help="process: pods run as local processes; fake: simulated nodes (default: process)")
    p.add_argument("--nodes", type=int, default=2, help="nodes the agent presents (default: 2)")
    p.add_argument("--node-resources", default="cpu=4,memory=8Gi,pods=110",
                   help="each node's allocatable, e.g. cpu=4,memory=8Gi,nvidia.com/gpu=1")
    p.add_argument("--schedulers", type=int, default=2, help="scheduler instances (default: 2)")
    p.add_argument("--port", type=int, default=8080, help="gateway port; 0 picks a free one (default: 8080)")
    p.add_argument("--data-dir", default=".basalt", help="Redis append-only data, logs and pod dirs (default: .basalt)")
    p.add_argument("--scheduler-conf", default="", help="Volcano-style scheduler policy YAML for every instance")
    p.add_argument("--demo", metavar="FILE", help="submit this job, follow it to the end and print its pods' output")
    p.add_argument("--exit-after-demo", action="store_true", help="stop the stack when the demo job finishes")
    return run


def run(args: argparse.Namespace) -> int:
    if args.nodes < 1 or args.schedulers < 1:
        print("error: --nodes and --schedulers must be at least 1", file=sys.stderr)
        return 2
    config = stack.StackConfig(data_dir=pathlib.Path(args.data_dir).resolve(), runtime=args.runtime,
                               nodes=args.nodes, node_resources=args.node_resources, schedulers=args.schedulers,
                               port=args.port, scheduler_conf=str(pathlib.Path(args.scheduler_conf).resolve())
                               if args.scheduler_conf else "")
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    local = stack.Stack(config)
    print(f"starting Basalt ({args.schedulers} schedulers, {args.nodes} {args.runtime} nodes of "
          f"{args.node_resources}); logs in {config.data_dir / 'logs'}", flush=True)
    try:
        local.start()
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Basalt is up. gateway: {local.gateway_url}", flush=True)
    print(f"  submit: basalt job run -f examples/gang-job.yaml --server {local.gateway_url}", flush=True)
    code = 0
    try:
        if args.demo:
            code = demo.follow(local.gateway_url, pathlib.Path(args.demo), stop=done)
            if args.exit_after_demo:
                return code
        print("press Ctrl-C to stop", flush=True)
        watch_children(local, done)
    finally:
        print("stopping Basalt...", flush=True)
        local.stop()
        print("stopped", flush=True)
    return code


def watch_children(local: stack.Stack, done: threading.Event) -> None:
    """Wait for Ctrl-C/SIGTERM, reporting any service that exits on its own meanwhile."""
    reported: set[str] = set()
    while not done.wait(0.5):
        for child in local.exited():
            if child.name not in reported and child.process is not None:
                reported.add(child.name)
                print(f"warning: {child.name} exited with code {child.process.returncode}; "
                      f"see {local.config.data_dir / 'logs' / (child.name + '.log')}", file=sys.stderr, flush=True)
