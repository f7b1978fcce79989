"""The fake runtime: timers only, so thousands of pods at once are cheap."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from services.agent.runtimes import base, fake


def fake_pod(name: str, **annotations: str) -> dict[str, Any]:
    keys = {"duration": "basalt.io/fake-duration", "exit_code": "basalt.io/fake-exit-code"}
    return {"metadata": {"name": name, "namespace": "sim", "uid": f"uid-{name}",
                         "annotations": {keys[k]: v for k, v in annotations.items()}}}


async def test_thousands_of_pods_run_concurrently() -> None:
    runtime = fake.FakeRuntime()
    output: list[bytes] = []
    handles = [await runtime.start(fake_pod(f"p{i}", duration="10ms", exit_code=str(i % 3)), "node-0", output.append)
               for i in range(3000)]
    outcomes = await asyncio.wait_for(asyncio.gather(*(h.wait() for h in handles)), 10)
    assert [o.exit_code for o in outcomes] == [i % 3 for i in range(3000)]
    assert {o.phase for o in outcomes[:3]} == {"Succeeded", "Failed"}
    assert output[0] == b"fake pod sim/p0 ran 0.01s on node-0, exit 0\n"


@pytest.mark.parametrize(("annotations", "outcome"), [
    ({"duration": "0"}, base.Outcome(0)),
    ({"duration": "0", "exit_code": "3"}, base.Outcome(3, "Error")),
    ({"duration": "soon"}, base.Outcome(128, "StartError")),
    ({"duration": "0", "exit_code": "x"}, base.Outcome(128, "StartError")),
])
async def test_outcome_from_annotations(annotations: dict[str, str], outcome: base.Outcome) -> None:
    handle = await fake.FakeRuntime().start(fake_pod("p", **annotations), "node-0", lambda _: None)
    got = await asyncio.wait_for(handle.wait(), 5)
    assert (got.exit_code, got.reason) == (outcome.exit_code, outcome.reason)


async def test_kill_ends_a_long_pod_at_once() -> None:
    runtime = fake.FakeRuntime()
    handle = await runtime.start(fake_pod("long", duration="1h"), "node-0", lambda _: None)
    await runtime.kill("uid-long")
    got = await asyncio.wait_for(handle.wait(), 1)
    assert (got.phase, got.reason, got.exit_code) == ("Failed", "Killed", 137)
