"""End to end: `basalt up` as a subprocess; jobs go in over REST and run as real processes."""

from __future__ import annotations

import pathlib
from typing import Any

import aiohttp
import pytest
import yaml

from tests import servers
from tests.e2e import podfs
from tests.e2e.stackproc import UpProcess, alive

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gang-job.yaml"
JOBS = "/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs"
PODS = "/api/v1/namespaces/default/pods"


def job_doc(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    doc["metadata"]["name"] = name
    return doc


async def get_json(session: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, Any]]:
    async with session.get(url) as reply:
        body: dict[str, Any] = await reply.json()
        return reply.status, body


async def phase_of(session: aiohttp.ClientSession, base: str, name: str) -> str:
    status, body = await get_json(session, f"{base}{JOBS}/{name}")
    assert status == 200, body
    return str(((body.get("status") or {}).get("state") or {}).get("phase") or "")


async def test_example_gang_job_completes_with_task_indexes_in_logs(stack: UpProcess) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{stack.url}{JOBS}", data=EXAMPLE.read_text(),
                                headers={"Content-Type": "application/yaml"}) as reply:
            assert reply.status == 201, await reply.text()

        async def completed() -> bool:
            phase = await phase_of(session, stack.url, "gang-demo")
            assert phase not in ("Failed", "Aborted", "Terminated"), phase
            return phase == "Completed"

        await servers.eventually(completed, timeout=90)
        _, pods = await get_json(session, f"{stack.url}{PODS}?labelSelector=volcano.sh/job-name=gang-demo")
        names = sorted(p["metadata"]["name"] for p in pods["items"])
        assert names == ["gang-demo-master-0", "gang-demo-worker-0", "gang-demo-worker-1", "gang-demo-worker-2"]
        for pod in pods["items"]:
            assert pod["spec"]["nodeName"].startswith("node-") and pod["status"]["phase"] == "Succeeded"
            name = pod["metadata"]["name"]
            async with session.get(f"{stack.url}{PODS}/{name}/log") as reply:
                log = await reply.text()
            index = name.rsplit("-", 1)[1]
            assert f"task index={index} VK_TASK_INDEX={index} pod={name}" in log, log


async def test_job_bigger_than_the_cluster_stays_pending_with_nothing_bound(stack: UpProcess) -> None:
    doc = job_doc("too-big")
    for task in doc["spec"]["tasks"]:
        task["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "3"  # 4 x 3 cpu > 2 x 4 cpu
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{stack.url}{JOBS}", json=doc) as reply:
            assert reply.status == 201, await reply.text()

        async def explained() -> list[dict[str, Any]]:
            _, groups = await get_json(session, f"{stack.url}/apis/scheduling.volcano.sh/v1beta1/namespaces/default/podgroups")
            for group in groups.get("items", []):
                if group["metadata"]["name"].startswith("too-big-"):
                    conditions = (group.get("status") or {}).get("conditions") or []
                    return [c for c in conditions if c.get("type") == "Unschedulable"]
            return []

        conditions = await servers.eventually(explained, timeout=30)
        assert "cpu" in conditions[0]["message"].lower() or "resource" in conditions[0]["message"].lower()
        assert await phase_of(session, stack.url, "too-big") == "Pending"
        _, pods = await get_json(session, f"{stack.url}{PODS}?labelSelector=volcano.sh/job-name=too-big")
        assert [p for p in pods["items"] if (p.get("spec") or {}).get("nodeName")] == []


async def test_refused_job_is_422_with_every_cause_and_nothing_stored(stack: UpProcess) -> None:
    doc = job_doc("refused")
    doc["spec"]["tasks"][1]["name"] = "master"
    doc["spec"]["tasks"][0]["minAvailable"] = 5
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{stack.url}{JOBS}", json=doc) as reply:
            body = await reply.json()
            assert reply.status == 422, body
        assert body["kind"] == "Status" and body["reason"] == "Invalid" and body["code"] == 422
        fields = [c["field"] for c in body["details"]["causes"]]
        assert len(fields) >= 2 and any("minAvailable" in f for f in fields), body
        status, missing = await get_json(session, f"{stack.url}{JOBS}/refused")
        assert status == 404 and missing["reason"] == "NotFound"


async def test_stack_stops_cleanly_and_leaves_no_process(stack: UpProcess) -> None:
    doc = job_doc("sleeper")
    for task in doc["spec"]["tasks"]:
        task["template"]["spec"]["containers"][0]["args"] = ["sleep 300"]
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{stack.url}{JOBS}", json=doc) as reply:
            assert reply.status == 201, await reply.text()

        async def running() -> bool:
            return await phase_of(session, stack.url, "sleeper") == "Running"

        await servers.eventually(running, timeout=60)
    assert podfs.processes_in(stack.data_dir), "the sleeping pods should be running as local processes"
    pids = stack.pids()
    assert set(pids) >= {"redis", "admission", "controller", "scheduler-0", "scheduler-1", "agent", "gateway"}
    assert stack.stop() == 0
    assert [name for name, pid in pids.items() if alive(pid)] == []
    assert podfs.processes_in(stack.data_dir) == []
