"""Stock kubectl pointed at the gateway with --server: discovery, get by short name, create from
a file (validated on the server), merge patch, delete and Kubernetes' error lines."""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil

import pytest
import redis.asyncio as aioredis

from basalt.store import objects
from tests.integration.gateway import placed_pods

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "gang-job.yaml"
pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")


async def kubectl(url: str, cache: pathlib.Path, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        "kubectl", "--server", url, "--cache-dir", str(cache), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "KUBECONFIG": os.devnull})
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_kubectl_works_against_the_gateway(gateway_url: str, tmp_path: pathlib.Path) -> None:
    code, out, _ = await kubectl(gateway_url, tmp_path, "api-resources")
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert code == 0 and {"jobs", "queues", "podgroups", "commands", "pods", "nodes"} <= set(rows)
    assert "vcjob,vj" in rows["jobs"]

    assert await kubectl(gateway_url, tmp_path, "create", "-f", str(EXAMPLE)) == \
        (0, "job.batch.volcano.sh/gang-demo created\n", "")
    code, out, _ = await kubectl(gateway_url, tmp_path, "get", "vj", "-o", "name")
    assert (code, out) == (0, "job.batch.volcano.sh/gang-demo\n")
    assert (await kubectl(gateway_url, tmp_path, "patch", "queue", "default", "--type=merge",
                          "-p", '{"spec":{"weight":3}}'))[:2] == (0, "queue.scheduling.volcano.sh/default patched\n")
    code, out, _ = await kubectl(gateway_url, tmp_path, "get", "q", "default", "-o", "jsonpath={.spec.weight}")
    assert (code, out) == (0, "3")
    assert (await kubectl(gateway_url, tmp_path, "delete", "vcjob", "gang-demo"))[:2] == \
        (0, 'job.batch.volcano.sh "gang-demo" deleted\n')
    code, _, err = await kubectl(gateway_url, tmp_path, "get", "vcjob", "gang-demo")
    assert (code, err) == (1, 'Error from server (NotFound): jobs.batch.volcano.sh "gang-demo" not found\n')
    code, _, err = await kubectl(gateway_url, tmp_path, "create", "-f", str(EXAMPLE), "--dry-run=server")
    assert code == 1 and "dryRun is not supported" in err


async def test_kubectl_logs_and_nodes(gateway_url: str, tmp_path: pathlib.Path, store: objects.Store,
                                      redis_client: aioredis.Redis) -> None:
    await placed_pods.add(store, redis_client, "default", "p-0", "p", phase="Succeeded", log=b"a\nb\n")
    assert await kubectl(gateway_url, tmp_path, "logs", "p-0", "--tail=1") == (0, "b\n", "")
    assert await kubectl(gateway_url, tmp_path, "logs", "-f", "p-0") == (0, "a\nb\n", "")
    code, out, _ = await kubectl(gateway_url, tmp_path, "get", "nodes", "-o", "name")
    assert (code, out) == (0, "node/n1\n")
