"""Entry point of the ``basalt`` console script: parse, then run one command against the gateway.

``basalt up`` (basalt/cli/up.py) runs the stack locally rather than calling the gateway, so it is
dispatched before any event loop starts; without that module the command is simply absent.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from basalt.cli import client, commands, explain, job, logs, queue, status

LocalHandler = Callable[[argparse.Namespace], Any]


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv))


def run(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Parse and execute; the exit code (argparse exits with 2 on usage errors)."""
    parser, up_handler = build_parser()
    args = parser.parse_args(argv)
    if args.command == "up" and up_handler is not None:
        return finish_local(up_handler(args))
    return asyncio.run(execute(args, out or sys.stdout, err or sys.stderr))


def build_parser() -> tuple[argparse.ArgumentParser, LocalHandler | None]:
    parser = argparse.ArgumentParser(prog="basalt", description="Basalt: batch scheduling with Volcano semantics")
    subparsers = parser.add_subparsers(dest="command", required=True)
    common, connection = commands.common_options(), commands.connection_options()
    job.add_parser(subparsers, common)
    queue.add_parser(subparsers, connection)
    explain.add_parser(subparsers, common)
    logs.add_parser(subparsers, common)
    status.add_parser(subparsers, connection)
    return parser, add_up(subparsers)


def add_up(subparsers: Any) -> LocalHandler | None:
    try:
        up = importlib.import_module("basalt.cli.up")
    except ModuleNotFoundError as exc:
        if exc.name != "basalt.cli.up":
            raise  # up.py exists but something it imports does not: that is a real error
        return None
    handler: LocalHandler = up.add_parser(subparsers)
    return handler


def finish_local(result: Any) -> int:
    """``up``'s handler may be sync or async and may return an exit code."""
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    return result if isinstance(result, int) else 0


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def execute(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run a gateway command; a refusal prints vcctl's ``Failed to <action>: <message>`` and is 1."""
    handler: commands.Handler = args.handler
    try:
        async with client.Client(args.server, token=args.token) as api:
            await handler(args, api, out)
    except client.ApiError as exc:
        print(f"Failed to {args.action}: {exc.message}", file=err)
        return 1
    return 0


if __name__ == "__main__":
    main()
