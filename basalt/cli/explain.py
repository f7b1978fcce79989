"""``basalt explain JOB``: why a job is not (fully) placed, and where it stands in its queue."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from basalt.cli import client, commands


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    explain = subparsers.add_parser("explain", parents=[common], help="say why a job is pending")
    explain.add_argument("job", help="the name of the job")
    commands.add_output(explain)
    commands.register(explain, explain_job, "explain job")


def render(namespace: str, name: str, found: dict[str, Any]) -> str:
    """The ExplainResponse (camelCase JSON) as a few lines a person reads top-down."""
    lines = [f"Job:       {namespace}/{name}", f"Phase:     {found.get('phase') or ''}",
             f"PodGroup:  {found.get('podgroup') or ''} ({found.get('podgroupPhase') or ''})"]
    position, pending = int(found.get("queuePosition") or 0), int(found.get("queuePending") or 0)
    place = f"position {position} of {pending} waiting" if position else "placed"
    lines.append(f"Queue:     {found.get('queue') or ''} ({place})")
    if found.get("summary"):
        lines.append(f"Summary:   {found['summary']}")
    for reason in found.get("reasons") or []:
        checked = int(reason.get("nodesChecked") or 0)
        lines.append(f"  [{reason.get('stage') or ''}] {reason.get('message') or ''}"
                     + (f" ({checked} nodes checked)" if checked else ""))
        failing = reason.get("failingNodes") or {}
        lines += [f"      {count} node(s): {why}" for why, count in sorted(failing.items())]
    return "\n".join(lines) + "\n"


async def explain_job(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    namespace = commands.namespace(args)
    found = await api.explain(namespace, args.job)
    if args.output:
        commands.print_as(out, found, args.output)
    else:
        out.write(render(namespace, args.job, found))
