"""``basalt queue create|delete|operate|list|get``: vcctl's queue verbs and flags (``-n`` is the
queue's name here, as in vcctl; queues have no namespace)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from basalt.api import kinds
from basalt.cli import client, commands, queues

OPEN, CLOSE, UPDATE = "open", "close", "update"


def add_parser(subparsers: Any, connection: argparse.ArgumentParser) -> None:
    queue = subparsers.add_parser("queue", help="operate on Volcano queues")
    verbs = queue.add_subparsers(dest="verb", required=True, metavar="{create,delete,operate,list,get}")

    create = verbs.add_parser("create", parents=[connection], help="create a queue")
    create.add_argument("-n", "--name", default="test", help="the name of queue (default %(default)s)")
    create.add_argument("-w", "--weight", type=int, default=1, help="the weight of the queue")
    create.add_argument("-S", "--state", default="Open", help="the state of queue")
    create.add_argument("-c", "--capability", default="",
                        help="the queue's capability, e.g. cpu=8,memory=16Gi")
    commands.register(create, create_queue, "create queue")

    delete = verbs.add_parser("delete", parents=[connection], help="delete a queue")
    delete.add_argument("-n", "--name", default="", help="the name of queue")
    commands.register(delete, delete_queue, "delete queue")

    operate = verbs.add_parser("operate", parents=[connection], help="open, close or re-weigh a queue")
    operate.add_argument("-n", "--name", default="", help="the name of queue")
    operate.add_argument("-w", "--weight", type=int, default=0, help="the weight of the queue")
    operate.add_argument("-a", "--action", dest="operation", default="",
                         help="operate action to queue, valid actions are open, close, update")
    commands.register(operate, operate_queue, "operate queue")

    listing = verbs.add_parser("list", parents=[connection], help="list queues")
    commands.add_output(listing)
    commands.register(listing, list_queues, "list queue")

    get = verbs.add_parser("get", parents=[connection], help="show a queue")
    get.add_argument("-n", "--name", default="", help="the name of queue")
    commands.add_output(get)
    commands.register(get, get_queue, "get queue")


def capability(text: str) -> dict[str, str]:
    """``cpu=8,memory=16Gi`` as a resource list."""
    found: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise client.ApiError(f"invalid capability {item!r}: expected name=quantity")
        found[name.strip()] = value.strip()
    return found


async def create_queue(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    spec: dict[str, Any] = {"weight": args.weight}
    if args.capability:
        spec["capability"] = capability(args.capability)
    queue = {"apiVersion": kinds.QUEUE.api_version, "kind": kinds.QUEUE.kind, "metadata": {"name": args.name},
             "spec": spec, "status": {"state": args.state}}
    await api.create(kinds.QUEUE, "", json.dumps(queue).encode(), "application/json")
    print(f"create queue {args.name} successfully", file=out)


def required_name(args: argparse.Namespace) -> str:
    if not args.name:
        raise client.ApiError("queue name must be specified")
    return str(args.name)


async def delete_queue(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    await api.delete(kinds.QUEUE, "", required_name(args))
    print(f"delete queue {args.name} successfully", file=out)


async def operate_queue(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    """vcctl's rules: open/close issue a Command; update merge-patches the weight (which must be > 0)."""
    name, action = required_name(args), args.operation
    if action in (OPEN, CLOSE):
        await api.action(kinds.QUEUE, "", name, action)
    elif action == UPDATE:
        if args.weight <= 0:
            raise client.ApiError(f"when {UPDATE} queue {name}, weight must be specified, "
                                  "the value must be greater than 0")
        await api.patch(kinds.QUEUE, "", name, {"spec": {"weight": args.weight}})
    elif not action:
        raise client.ApiError("action can not be null")
    else:
        raise client.ApiError(f"action {action} invalid, valid actions are {OPEN}, {CLOSE} and {UPDATE}")
    print(f"{action} queue {name} successfully", file=out)


async def list_queues(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    found = await api.list_all(kinds.QUEUE)
    if args.output:
        commands.print_as(out, commands.as_list(found), args.output)
    elif not found:
        print("No resources found", file=out)
    else:
        out.write(queues.table(found, queues.statistics(await api.list_all(kinds.PODGROUP))))


async def get_queue(args: argparse.Namespace, api: client.Client, out: TextIO) -> None:
    queue = await api.get(kinds.QUEUE, "", required_name(args))
    if args.output:
        commands.print_as(out, queue, args.output)
        return
    out.write(queues.table([queue], queues.statistics(await api.list_all(kinds.PODGROUP))))
