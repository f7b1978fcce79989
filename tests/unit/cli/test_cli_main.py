"""The ``basalt`` command's parser and dispatch, without any server."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from basalt.cli import main


@pytest.mark.parametrize("argv", [[], ["job"], ["job", "view"], ["job", "run"], ["nope"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main.run(argv)
    assert exited.value.code == 2
    assert "usage: basalt" in capsys.readouterr().err


def test_up_is_dispatched_to_its_module_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def add_parser(subparsers: Any) -> Any:
        up = subparsers.add_parser("up")
        up.add_argument("--redis", default="embedded")
        def handler(args: Any) -> int:
            seen.append(args.redis)
            return 3

        return handler

    monkeypatch.setitem(sys.modules, "basalt.cli.up", types.SimpleNamespace(add_parser=add_parser))
    assert main.run(["up", "--redis", "r"]) == 3
    assert seen == ["r"]


def test_up_is_absent_without_its_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "basalt.cli.up", None)
    with pytest.raises(SystemExit) as exited:
        main.run(["up"])
    assert exited.value.code == 2
