"""``basalt logs [-f] POD``: a pod's log, as ``kubectl logs`` prints it (``-f`` follows it until
the pod finishes)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from basalt.cli import client, commands


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    logs = subparsers.add_parser("logs", parents=[common], help="print a pod's log")
    logs.add_argument("pod", help="the name of the pod")
    logs.add_argument("--tail", type=int, default=None, help="only the last N lines")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new output until the pod ends")
    commands.register(logs, print_log, "get logs")


async def print_log(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    if not args.follow:
        data = await api.pod_log(commands.namespace(args), args.pod, args.tail)
        out.write(data.decode("utf-8", "replace"))
        return
    async for chunk in api.follow_log(commands.namespace(args), args.pod, args.tail):
        out.write(chunk.decode("utf-8", "replace"))
        out.flush()
