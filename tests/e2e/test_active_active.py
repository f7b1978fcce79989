"""Active-active schedulers in the whole stack: kill -9 one of three, every job still completes.

The killed instance's lease outlives it by the lease TTL (5 s); the jobs submitted right after the
kill include some the ring still gives to it, so they complete only if the survivors take over.
"""

from __future__ import annotations

import os
import pathlib
import signal
from collections.abc import Iterator
from typing import Any

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
    # Volcano names a job's PodGroup <job>-<job uid>; the ring hashes its "namespace/name". The uid
    # is random, so jobs are submitted until the killed instance's share holds three of them.
    owners = ring.Ring(SCHEDULERS)
    created: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        client = rest.Client(session, three.url)
        while len(created) < 12 or sum(_owner(owners, j) == "scheduler-1" for j in created) < 3:
            assert len(created) < 60, "the ring gives the killed instance no share"
            created.append(await client.create(
                kinds.JOB, jobs.job(f"aa-{len(created)}").task("worker", "exit 0", replicas=2).obj()))
        for job in created:
            await client.wait_phase(job["metadata"]["name"], "Completed", timeout=90)
    assert not alive(victim)
    assert all(alive(pid) for name, pid in three.pids().items() if name != "scheduler-1")


def _owner(owners: ring.Ring, job: dict[str, Any]) -> str | None:
    return owners.owner(f"default/{job['metadata']['name']}-{job['metadata']['uid']}")
