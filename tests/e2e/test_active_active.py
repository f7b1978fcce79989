"""Active-active schedulers in the whole stack: kill -9 one of three, every job still completes.

The killed instance's lease outlives it by the lease TTL (5 s); the jobs submitted right after the
kill include some the ring still gives to it, so they complete only if the survivors take over.
"""

from __future__ import annotations

import os
import pathlib
import signal
from collections.abc import Iterator

import aiohttp
import pytest

from basalt import ring
from basalt.api import kinds
from tests.e2e import jobs, rest
from tests.e2e.stackproc import UpProcess, alive, start_up

pytestmark = pytest.mark.e2e
SCHEDULERS = ["scheduler-0", "scheduler-1", "scheduler-2"]


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpProcess]:
    with pytest.MonkeyPatch.context() as env:
        # A local stack serves anonymous requests (``basalt up`` sets this itself once wired).
        env.setenv("BASALT_ALLOW_ANONYMOUS", "true")
        up = start_up(pathlib.Path(tmp_path_factory.mktemp("active-active")), "--schedulers", "3",
                      "--runtime", "fake", "--nodes", "4", "--node-resources", "cpu=8,memory=16Gi,pods=110")
    yield up
    up.stop()


async def test_jobs_complete_after_one_scheduler_is_killed(three: UpProcess) -> None:
    victim = three.pids()["scheduler-1"]
    os.kill(victim, signal.SIGKILL)
    names = [f"aa-{i}" for i in range(12)]
    async with aiohttp.ClientSession() as session:
        client = rest.Client(session, three.url)
        created = [await client.create(kinds.JOB, jobs.job(name).task("worker", "exit 0", replicas=2).obj())
                   for name in names]
        for name in names:
            await client.wait_phase(name, "Completed", timeout=90)
    # Volcano names a job's PodGroup <job>-<job uid>; the ring hashes its "namespace/name".
    owners = ring.Ring(SCHEDULERS)
    groups = [f"default/{j['metadata']['name']}-{j['metadata']['uid']}" for j in created]
    assert any(owners.owner(g) == "scheduler-1" for g in groups), "some jobs must have belonged to the killed one"
    assert not alive(victim)
    assert all(alive(pid) for name, pid in three.pids().items() if name != "scheduler-1")
