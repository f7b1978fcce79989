"""What every CLI command shares: the options it takes and the shape of its handler."""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable
from typing import TextIO

from basalt.cli import client

DEFAULT_SERVER = "http://127.0.0.1:8080"
DEFAULT_NAMESPACE = "default"
Handler = Callable[[argparse.Namespace, client.Client, TextIO], Awaitable[None]]
"""An async command: parsed arguments, the gateway client, and where to print."""


def common_options() -> argparse.ArgumentParser:
    """``--server`` and ``-n/--namespace``, added to every leaf command (as vcctl does)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--server", default=os.environ.get("BASALT_SERVER", DEFAULT_SERVER),
                        help="the Basalt gateway's URL (env BASALT_SERVER; default %(default)s)")
    common.add_argument("-n", "--namespace", default=None,
                        help=f"the namespace of the object (default {DEFAULT_NAMESPACE!r})")
    return common


def namespace(args: argparse.Namespace) -> str:
    return str(args.namespace or DEFAULT_NAMESPACE)


def register(parser: argparse.ArgumentParser, handler: Handler, action: str) -> None:
    """``action`` completes vcctl's error line: ``Failed to <action>: <server message>``."""
    parser.set_defaults(handler=handler, action=action)
