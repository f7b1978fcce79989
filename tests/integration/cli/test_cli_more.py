"""The CLI's queue, explain, job action, follow, status and -o commands, end to end over HTTP."""

from __future__ import annotations

import asyncio
import json
import pathlib

import redis.asyncio as aioredis
import yaml

from basalt.api import kinds
from basalt.store import extras, objects
from tests.integration.cli.test_cli_commands import basalt, job_file, settled
from tests.integration.gateway import placed_pods
from tests.integration.gateway.test_gateway_auth import secured  # noqa: F401 - fixture


async def test_queue_lifecycle(gateway_url: str, store: objects.Store) -> None:
    assert await basalt(gateway_url, "queue", "create", "-n", "research", "-w", "3", "-c", "cpu=8,memory=16Gi") == \
        (0, "create queue research successfully\n", "")
    stored = await store.must_get(kinds.QUEUE, "", "research")
    assert stored["spec"]["weight"] == 3 and stored["spec"]["capability"] == {"cpu": "8", "memory": "16Gi"}

    code, out, _ = await basalt(gateway_url, "queue", "get", "-n", "research")
    assert (code, out.splitlines()) == (0, [
        "Name                     Weight  State   Parent  Inqueue Pending Running Unknown Completed",
        "research                 3       Open            0       0       0       0       0       "])
    code, out, _ = await basalt(gateway_url, "queue", "list")
    assert code == 0 and {line.split()[0] for line in out.splitlines()[1:]} >= {"default", "research"}

    assert await basalt(gateway_url, "queue", "operate", "-n", "research", "-a", "update", "-w", "5") == \
        (0, "update queue research successfully\n", "")
    assert (await store.must_get(kinds.QUEUE, "", "research"))["spec"]["weight"] == 5
    assert (await basalt(gateway_url, "queue", "operate", "-n", "research", "-a", "close"))[0] == 0

    code, out, _ = await basalt(gateway_url, "queue", "get", "-n", "research", "-o", "json")
    assert (code, json.loads(out)["metadata"]["name"]) == (0, "research")
    assert await basalt(gateway_url, "queue", "delete", "-n", "research") == \
        (0, "delete queue research successfully\n", "")
    assert await store.get(kinds.QUEUE, "", "research") is None


async def test_queue_refusals_use_vcctls_words(gateway_url: str) -> None:
    assert await basalt(gateway_url, "queue", "operate", "-n", "q") == \
        (1, "", "Failed to operate queue: action can not be null\n")
    assert await basalt(gateway_url, "queue", "operate", "-n", "q", "-a", "fly") == \
        (1, "", "Failed to operate queue: action fly invalid, valid actions are open, close and update\n")
    assert await basalt(gateway_url, "queue", "operate", "-n", "q", "-a", "update") == (1, "", (
        "Failed to operate queue: when update queue q, weight must be specified, the value must be greater than 0\n"))
    assert await basalt(gateway_url, "queue", "delete") == \
        (1, "", "Failed to delete queue: queue name must be specified\n")
    assert await basalt(gateway_url, "queue", "get", "-n", "ghost") == \
        (1, "", 'Failed to get queue: queues.scheduling.volcano.sh "ghost" not found\n')


async def test_job_actions_explain_and_output(gateway_url: str, store: objects.Store,
                                              tmp_path: pathlib.Path) -> None:
    assert (await basalt(gateway_url, "job", "run", "-f", job_file(tmp_path, "j")))[0] == 0
    await settled(store, "j")
    for action in ("suspend", "resume", "restart"):
        assert await basalt(gateway_url, "job", action, "-N", "j") == (0, f"{action} job j successfully\n", "")
    assert await basalt(gateway_url, "job", "suspend", "-N", "ghost") == \
        (1, "", 'Failed to suspend job: jobs.batch.volcano.sh "ghost" not found\n')

    code, out, _ = await basalt(gateway_url, "explain", "j")
    assert code == 0 and out.startswith("Job:       default/j\n") and "Queue:     default" in out
    code, out, _ = await basalt(gateway_url, "explain", "j", "-o", "json")
    assert code == 0 and json.loads(out)["queue"] == "default"

    code, out, _ = await basalt(gateway_url, "job", "list", "-o", "yaml")
    listed = yaml.safe_load(out)
    assert (code, listed["kind"], [j["metadata"]["name"] for j in listed["items"]]) == (0, "List", ["j"])
    code, out, _ = await basalt(gateway_url, "job", "view", "-N", "j", "-o", "json")
    assert (code, json.loads(out)["metadata"]["name"]) == (0, "j")
    assert await basalt(gateway_url, "job", "list", "-l", "nope=1") == (0, "No resources found\n", "")


async def test_logs_follow_until_the_pod_finishes(gateway_url: str, store: objects.Store,
                                                  redis_client: aioredis.Redis, tmp_path: pathlib.Path) -> None:
    assert (await basalt(gateway_url, "job", "run", "-f", job_file(tmp_path, "f")))[0] == 0
    pod = await placed_pods.add(store, redis_client, "default", "f-0", "f", log=b"one\n")
    following = asyncio.create_task(basalt(gateway_url, "logs", "-f", "f-0"))
    await extras.Extras(redis_client).append_log("default", "f-0", pod["metadata"]["uid"], b"two\n")
    current = await store.must_get(kinds.POD, "default", "f-0")
    await store.update(kinds.POD, {**current, "status": {"phase": "Succeeded"}})
    assert await asyncio.wait_for(following, 15) == (0, "one\ntwo\n", "")


async def test_status(gateway_url: str, tmp_path: pathlib.Path) -> None:
    assert (await basalt(gateway_url, "job", "run", "-f", job_file(tmp_path, "s")))[0] == 0
    code, out, _ = await basalt(gateway_url, "status")
    assert code == 0 and "(ready)" in out and "Jobs:     1" in out and "Queues:" in out
    code, out, _ = await basalt(gateway_url, "status", "-o", "json")
    found = json.loads(out)
    assert (found["ready"], sum(found["jobs"].values())) == (True, 1)


async def test_token_flag(secured: str) -> None:
    assert await basalt(secured, "job", "list", "-n", "team-a") == \
        (1, "", "Failed to list job: Unauthorized\n")
    assert await basalt(secured, "job", "list", "-n", "team-a", "--token", "alice-secret-token") == \
        (0, "No resources found\n", "")
    code, _, err = await basalt(secured, "job", "list", "-n", "team-b", "--token", "alice-secret-token")
    assert (code, err.split(":")[0]) == (1, "Failed to list job")
    assert 'User "alice" cannot list resource "jobs"' in err
