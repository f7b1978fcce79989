"""``basalt status``: is the gateway (and the controller behind it) serving, the live scheduler and
controller instances (from their membership leases, through the controller's ClusterService), the
nodes, and how many jobs by phase and queues by state there are."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any, TextIO

from basalt.api import kinds
from basalt.cli import client, commands, tables

CLUSTER_STATUS = "/status/cluster"


def add_parser(subparsers: Any, connection: argparse.ArgumentParser) -> None:
    status = subparsers.add_parser("status", parents=[connection], help="show the stack's health and counts")
    commands.add_output(status)
    commands.register(status, show_status, "get status")


async def collect(api: client.Client) -> dict[str, Any]:
    ready = await api.healthy()
    jobs = await api.list_all(kinds.JOB)
    queues = await api.list_all(kinds.QUEUE)
    cluster = await api.json("GET", CLUSTER_STATUS)
    return {"gateway": api.server, "ready": ready, "cluster": cluster,
            "jobs": dict(sorted(Counter(tables.phase(j) or "Unknown" for j in jobs).items())),
            "queues": dict(sorted(Counter(str((q.get("status") or {}).get("state") or "Unknown")
                                          for q in queues).items()))}


def render(found: dict[str, Any]) -> str:
    cluster = found["cluster"]
    lines = [f"Gateway:  {found['gateway']} ({'ready' if found['ready'] else 'NOT READY'})",
             f"Nodes:    {cluster.get('nodes') or 0} ({cluster.get('readyNodes') or 0} ready)"]
    for role, key in (("Schedulers", "schedulers"), ("Controllers", "controllers")):
        lines.append(f"{role + ':':<13}{len(cluster.get(key) or [])}")
        lines += [f"  {i.get('id')} {i.get('address')}" + _scheduler(i.get("scheduler"), key) + _metrics(i)
                  for i in cluster.get(key) or []]
    lines += [f"Jobs:     {sum(found['jobs'].values())}" + _counts(found["jobs"]),
              f"Queues:   {sum(found['queues'].values())}" + _counts(found["queues"])]
    return "\n".join(lines) + "\n"


def _scheduler(answer: Any, key: str) -> str:
    if key != "schedulers":
        return ""
    if not answer:
        return " (not answering)"
    takeover = answer.get("lastTakeoverSeconds")
    return (f" sessions={answer.get('sessions', 0)} skipped={answer.get('sessionsSkipped', 0)} "
            f"owned={answer.get('ownedPodgroups', 0)} bound={answer.get('podsBound', 0)} "
            f"conflicts={answer.get('commitConflicts', 0)}" + (f" takeover={takeover:.2f}s" if takeover else ""))


def _metrics(instance: Any) -> str:
    address = instance.get("metricsAddress")
    return f" metrics=http://{address}/metrics" if address else ""


def _counts(counts: dict[str, int]) -> str:
    return f" ({', '.join(f'{k}: {v}' for k, v in counts.items())})" if counts else ""


async def show_status(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    found = await collect(api)
    if args.output:
        commands.print_as(out, found, args.output)
    else:
        out.write(render(found))
