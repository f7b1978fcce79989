"""What every CLI command shares: the options it takes and the shape of its handler."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

import yaml

from basalt.cli import client

DEFAULT_SERVER = "http://127.0.0.1:8080"
DEFAULT_NAMESPACE = "default"
OUTPUTS = ("json", "yaml")
Handler = Callable[[argparse.Namespace, client.Client, TextIO], Awaitable[None]]
"""An async command: parsed arguments, the gateway client, and where to print."""


def connection_options() -> argparse.ArgumentParser:
    """``--server`` and ``--token``, added to every leaf command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--server", default=os.environ.get("BASALT_SERVER", DEFAULT_SERVER),
                        help="the Basalt gateway's URL (env BASALT_SERVER; default %(default)s)")
    common.add_argument("--token", default=os.environ.get("BASALT_TOKEN", ""),
                        help="bearer token for the gateway (env BASALT_TOKEN)")
    return common


def common_options() -> argparse.ArgumentParser:
    """The connection options and ``-n/--namespace`` (as vcctl's job commands take it)."""
    common = argparse.ArgumentParser(add_help=False, parents=[connection_options()])
    common.add_argument("-n", "--namespace", default=None,
                        help=f"the namespace of the object (default {DEFAULT_NAMESPACE!r})")
    return common


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", choices=OUTPUTS, default=None,
                        help="print the objects as json or yaml instead of a table")


def namespace(args: argparse.Namespace) -> str:
    return str(args.namespace or DEFAULT_NAMESPACE)


def register(parser: argparse.ArgumentParser, handler: Handler, action: str) -> None:
    """``action`` completes vcctl's error line: ``Failed to <action>: <server message>``."""
    parser.set_defaults(handler=handler, action=action)


def print_as(out: TextIO, value: Any, output: str) -> None:
    """``value`` as JSON (indented, as kubectl -o json) or YAML."""
    if output == "json":
        out.write(json.dumps(value, indent=4) + "\n")
    else:
        out.write(yaml.safe_dump(value, sort_keys=False))


def as_list(items: list[Any]) -> dict[str, Any]:
    """Several objects as ``kubectl get -o json|yaml`` prints them: a ``v1 List``."""
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
