"""The process runtime with real subprocesses: container order, exit codes, refusals."""

from __future__ import annotations

import asyncio
import pathlib
from typing import Any

import pytest

from services.agent.runtimes import base, process


def container(name: str, script: str | None) -> dict[str, Any]:
    return {"name": name, "command": ["sh", "-c", script]} if script is not None else {"name": name}


def pod(init: list[str | None], main: list[str | None]) -> dict[str, Any]:
    return {"metadata": {"name": "p", "namespace": "ns", "uid": "u"},
            "spec": {"initContainers": [container(f"i{n}", s) for n, s in enumerate(init)],
                     "containers": [container(f"c{n}", s) for n, s in enumerate(main)]}}


async def run(tmp_path: pathlib.Path, spec: dict[str, Any]) -> tuple[base.Outcome, bytes]:
    output: list[bytes] = []
    handle = await process.ProcessRuntime(str(tmp_path), host={"PATH": "/usr/bin:/bin"}).start(
        spec, "node-0", output.append)
    return await asyncio.wait_for(handle.wait(), 20), b"".join(output)


@pytest.mark.parametrize(("init", "main", "exit_code", "reason"), [
    ([], ["exit 0"], 0, ""),
    ([], ["exit 0", "exit 4", "exit 5"], 4, "Error"),
    (["exit 2"], ["echo never"], 2, "Error"),
    ([], [None], 128, "NoCommand"),
    ([], ["kill -9 $$$$"], 137, "Error"),
])
async def test_pod_outcome(tmp_path: pathlib.Path, init: list[str | None], main: list[str | None],
                           exit_code: int, reason: str) -> None:
    outcome, output = await run(tmp_path, pod(init, main))
    assert (outcome.exit_code, outcome.reason) == (exit_code, reason)
    assert b"never" not in output


async def test_init_containers_run_in_order_before_the_app_containers(tmp_path: pathlib.Path) -> None:
    spec = pod(["echo a >> trace", "echo b >> trace"], ["sleep 0.05; echo c >> trace", "echo d >> trace"])
    outcome, _ = await run(tmp_path, spec)
    trace = (tmp_path / "pods" / "ns_p_u" / "trace").read_text().split()
    assert outcome.phase == "Succeeded"
    assert trace[:2] == ["a", "b"] and sorted(trace[2:]) == ["c", "d"]


async def test_missing_executable_is_a_start_error(tmp_path: pathlib.Path) -> None:
    spec = pod([], [])
    spec["spec"]["containers"] = [{"name": "c", "command": ["/nonexistent/tool"]}]
    outcome, output = await run(tmp_path, spec)
    assert (outcome.exit_code, outcome.reason) == (128, "StartError")
    assert b"/nonexistent/tool" in output


async def test_background_children_do_not_keep_the_pod_alive(tmp_path: pathlib.Path) -> None:
    outcome, output = await run(tmp_path, pod([], ["sleep 60 & echo started; exit 0"]))
    assert outcome.phase == "Succeeded"
    assert output == b"started\n"


def test_grace_period_is_capped() -> None:
    assert process.grace_seconds({"spec": {}}) == 10.0
    assert process.grace_seconds({"spec": {"terminationGracePeriodSeconds": 2}}) == 2.0
    assert process.grace_seconds({"spec": {"terminationGracePeriodSeconds": 0}}) == 0.0


async def test_kill_escalates_to_sigkill_after_the_grace_period(tmp_path: pathlib.Path) -> None:
    spec = pod([], ["trap '' TERM; echo ready; sleep 30"])
    spec["spec"]["terminationGracePeriodSeconds"] = 0.2
    trapped = asyncio.Event()

    def sink(data: bytes) -> None:
        if b"ready" in data:
            trapped.set()

    runtime = process.ProcessRuntime(str(tmp_path), host={"PATH": "/usr/bin:/bin"})
    handle = await runtime.start(spec, "node-0", sink)
    await asyncio.wait_for(trapped.wait(), 10)
    await asyncio.wait_for(runtime.kill("u"), 5)
    outcome = await asyncio.wait_for(handle.wait(), 1)
    assert (outcome.phase, outcome.reason, outcome.exit_code) == ("Failed", "Killed", 137)
