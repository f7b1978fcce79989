"""The CLI end to end over HTTP: basalt -> gateway -> controller -> admission -> Redis."""

from __future__ import annotations

import io
import pathlib
from typing import Any

import pytest
import redis.asyncio as aioredis

from basalt.api import kinds
from basalt.cli import main
from basalt.store import objects
from tests import servers
from tests.integration.gateway import placed_pods

JOB = """apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata:
  name: {name}{namespace}
spec:
  queue: default
  schedulerName: volcano
  tasks:
  - name: worker
    replicas: 2
    template:
      spec:
        containers:
        - name: main
          image: busybox
"""


async def basalt(url: str, *argv: str) -> tuple[int, str, str]:
    parser, _ = main.build_parser()
    out, err = io.StringIO(), io.StringIO()
    code = await main.execute(parser.parse_args([*argv, "--server", url]), out, err)
    return code, out.getvalue(), err.getvalue()


def job_file(tmp_path: pathlib.Path, name: str, namespace: str = "") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(JOB.format(name=name, namespace=f"\n  namespace: {namespace}" if namespace else ""))
    return str(path)


async def settled(store: objects.Store, name: str) -> Any:
    """The job once the controller has written its first status (Pending: no scheduler runs here)."""

    async def pending() -> Any:
        job = await store.get(kinds.JOB, "default", name)
        return job if job and (job.get("status") or {}).get("state", {}).get("phase") == "Pending" else None

    return await servers.eventually(pending)


async def test_run_list_view_delete(gateway_url: str, store: objects.Store, redis_client: aioredis.Redis,
                                    tmp_path: pathlib.Path) -> None:
    assert await basalt(gateway_url, "job", "run", "-f", job_file(tmp_path, "tf")) == \
        (0, "run job tf successfully\n", "")
    job = await settled(store, "tf")
    await placed_pods.add(store, redis_client, "default", "tf-worker-0", "tf", phase="Running", node="n1")

    code, out, _ = await basalt(gateway_url, "job", "list")
    created = job["metadata"]["creationTimestamp"][:10]
    # minAvailable 2 is admission's default (all replicas); the pod counts stay 0 because the job
    # controls no pod yet (its PodGroup waits for a scheduler).
    assert (code, out.splitlines()) == (0, [
        "Name   Creation       Phase       JobType     Replicas    Min   Pending   Running   Succeeded   "
        "Failed    Unknown     RetryCount",
        f"tf     {created}     Pending     Batch       2           2     0         0         0           "
        f"0         0           0         "])

    code, out, _ = await basalt(gateway_url, "job", "view", "-N", "tf")
    assert "Name:       \ttf\n" in out and "  tf-worker-0   Running     n1\n" in out

    assert await basalt(gateway_url, "job", "delete", "-N", "tf") == (0, "delete job tf successfully\n", "")
    assert await basalt(gateway_url, "job", "list") == (0, "No resources found\n", "")


async def test_run_uses_the_files_namespace_unless_n_is_given(
        gateway_url: str, store: objects.Store, tmp_path: pathlib.Path) -> None:
    assert (await basalt(gateway_url, "job", "run", "-f", job_file(tmp_path, "a", "team")))[0] == 0
    assert await store.get(kinds.JOB, "team", "a") is not None
    assert await store.get(kinds.JOB, "default", "a") is None
    code, _, err = await basalt(gateway_url, "job", "run", "-n", "other", "-f", job_file(tmp_path, "b", "team"))
    assert (code, err) == (1, "Failed to run job: the namespace of the provided object does not match "
                              "the namespace sent on the request\n")


@pytest.mark.parametrize(("argv", "error"), [
    (["job", "view", "-N", "ghost"], 'Failed to view job: jobs.batch.volcano.sh "ghost" not found\n'),
    (["job", "delete", "-N", "ghost"], 'Failed to delete job: jobs.batch.volcano.sh "ghost" not found\n'),
    (["logs", "ghost"], 'Failed to get logs: pods "ghost" not found\n'),
    (["job", "run", "-f", "/nonexistent.yaml"], "Failed to run job: failed to read file, err: "),
])
async def test_server_refusals_print_the_status_message_and_exit_1(
        gateway_url: str, argv: list[str], error: str) -> None:
    code, out, err = await basalt(gateway_url, *argv)
    assert (code, out) == (1, "")
    assert err.startswith(error)


async def test_duplicate_job(gateway_url: str, tmp_path: pathlib.Path) -> None:
    path = job_file(tmp_path, "a")
    assert (await basalt(gateway_url, "job", "run", "-f", path))[0] == 0
    assert (await basalt(gateway_url, "job", "run", "-f", path))[2] == \
        'Failed to run job: jobs.batch.volcano.sh "a" already exists\n'


async def test_invalid_job(gateway_url: str, tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"metadata": {"name": "bad"}, "spec": {"queue": "q"}}')
    assert await basalt(gateway_url, "job", "run", "-f", str(bad)) == (1, "", (
        'Failed to run job: Job.batch.volcano.sh "bad" is invalid: [spec.tasks: No task specified in job spec, '
        'spec.queue: unable to find job queue: queue.scheduling.volcano.sh "q" not found]\n'))


async def test_logs(gateway_url: str, store: objects.Store, redis_client: aioredis.Redis,
                    tmp_path: pathlib.Path) -> None:
    # The pod's job exists, as it does for every pod the controller makes.
    assert (await basalt(gateway_url, "job", "run", "-f", job_file(tmp_path, "j")))[0] == 0
    await placed_pods.add(store, redis_client, "default", "p", "j", log=b"one\ntwo\n")
    assert await basalt(gateway_url, "logs", "p") == (0, "one\ntwo\n", "")
    assert await basalt(gateway_url, "logs", "p", "--tail", "1") == (0, "two\n", "")


async def test_unreachable_gateway(unused_tcp_port: int) -> None:
    code, _, err = await basalt(f"http://127.0.0.1:{unused_tcp_port}", "job", "list")
    assert code == 1 and err.startswith("Failed to list job: cannot reach the Basalt gateway at http://127.0.0.1:")
