"""basalt.client (AsyncClient and the blocking Client) over the real controller's gRPC API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
import yaml

from basalt import errors
from basalt.client import AsyncClient, Client
from basalt.store import keys, objects
from tests import servers
from tests.integration.gateway import placed_pods
from tests.integration.gateway.builders import JobBuilder, QueueBuilder


@pytest.fixture
async def api(controller_target: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(controller_target) as client:
        yield client


async def test_create_get_list_delete(api: AsyncClient) -> None:
    created = await api.jobs.create(yaml.safe_dump(JobBuilder("a").labels(team="red").obj()))
    assert created["metadata"]["uid"] and created["spec"]["maxRetry"] == 3
    await api.jobs.create(JobBuilder("b").labels(team="blue").obj())
    assert (await api.jobs.get("a"))["metadata"]["uid"] == created["metadata"]["uid"]
    page = await api.jobs.list("default", label_selector="team=red")
    assert [j["metadata"]["name"] for j in page.items] == ["a"] and page.resource_version
    first = await api.jobs.list(limit=1)
    assert len(first.items) == 1 and first.continue_token
    assert sorted(j["metadata"]["name"] for j in await api.jobs.list_all(page_size=1)) == ["a", "b"]
    await api.jobs.delete("b")
    with pytest.raises(errors.NotFound, match='jobs.batch.volcano.sh "b" not found'):
        await api.jobs.get("b")


async def test_idempotency_key_replays_the_first_create(api: AsyncClient) -> None:
    first = await api.jobs.create(JobBuilder("i").obj(), idempotency_key="run-1")
    again = await api.jobs.create(JobBuilder("i").obj(), idempotency_key="run-1")
    assert again["metadata"]["uid"] == first["metadata"]["uid"]
    with pytest.raises(errors.AlreadyExists):
        await api.jobs.create(JobBuilder("i").obj())


async def test_refusals_are_basalt_errors_with_every_cause(api: AsyncClient) -> None:
    bad = JobBuilder("bad").queue("missing").obj()
    bad["spec"]["tasks"] = []
    with pytest.raises(errors.Invalid) as refused:
        await api.jobs.create(bad)
    assert {"spec.tasks", "spec.queue"} <= {c.field for c in refused.value.causes}
    assert len(refused.value.causes) >= 2  # every cause, not just the first


async def test_update_needs_the_current_resource_version(api: AsyncClient) -> None:
    await api.jobs.create(JobBuilder("u").replicas(2).obj())

    async def update_once() -> objects.Obj | None:
        current = await api.jobs.get("u")
        current["spec"]["minAvailable"] = 2
        try:
            return await api.jobs.update(current)
        except errors.Conflict:
            return None  # the controller wrote status in between: read again

    updated = await servers.eventually(update_once)
    assert updated["spec"]["minAvailable"] == 2
    stale = {**updated, "metadata": {**updated["metadata"], "resourceVersion": "1"}}
    with pytest.raises(errors.Conflict):
        await api.jobs.update(stale)


async def test_watch_resumes_from_a_resource_version(api: AsyncClient) -> None:
    start = (await api.jobs.list()).resource_version
    await api.jobs.create(JobBuilder("w1").obj())
    events = api.jobs.watch(resource_version=start)
    event = await asyncio.wait_for(anext(events), 15)
    assert (event.type, event.object["metadata"]["name"]) == ("ADDED", "w1")
    resume = event.object["metadata"]["resourceVersion"]
    await events.aclose()  # type: ignore[attr-defined]
    await api.jobs.create(JobBuilder("w2").obj())
    names = []
    async for event in api.jobs.watch(resource_version=resume):
        names.append((event.type, event.object["metadata"]["name"]))
        if ("ADDED", "w2") in names:
            break
    assert ("ADDED", "w1") not in names


async def test_watch_from_a_trimmed_version_is_gone(api: AsyncClient, redis_client: aioredis.Redis) -> None:
    await redis_client.set(keys.trimmed("jobs"), 10**6)
    with pytest.raises(errors.Gone):
        async for _ in api.jobs.watch(resource_version="1"):
            pass


async def test_queues_and_job_actions(api: AsyncClient) -> None:
    queue = await api.queues.create(QueueBuilder("research").weight(2).obj())
    assert "namespace" not in queue["metadata"] and (await api.queues.get("research"))["spec"]["weight"] == 2
    assert await api.queues.operate("research", "close")
    await api.jobs.create(JobBuilder("s").obj())
    for action in (api.jobs.suspend, api.jobs.resume, api.jobs.restart):
        assert await action("s")
    explained = await api.jobs.explain("s")
    assert explained["queue"] == "default" and "summary" in explained
    await api.queues.delete("research")
    with pytest.raises(errors.NotFound):
        await api.queues.get("research")


async def test_pod_and_job_logs_and_nodes(api: AsyncClient, store: objects.Store,
                                          redis_client: aioredis.Redis) -> None:
    await api.jobs.create(JobBuilder("l").obj())
    await placed_pods.add(store, redis_client, "default", "l-worker-0", "l", log=b"a\nb\n")
    await placed_pods.add(store, redis_client, "default", "l-worker-1", "l", log=b"c\n")
    assert await api.pods.logs("l-worker-0", tail_lines=1) == b"b\n"
    assert await api.pods.logs("l-worker-0", tail_lines=0) == b""
    assert await api.jobs.logs("l") == {"l-worker-0": b"a\nb\n", "l-worker-1": b"c\n"}
    assert [n["metadata"]["name"] for n in await api.cluster.nodes()] == ["n1"]
    assert (await api.cluster.status())["nodes"] == "1"


async def test_the_blocking_client(controller_target: str) -> None:
    def scenario() -> list[str]:
        with Client(controller_target) as api:
            start = api.jobs.list().resource_version
            created = api.jobs.create(JobBuilder("sync").obj(), idempotency_key="k")
            assert api.jobs.get("sync")["metadata"]["uid"] == created["metadata"]["uid"]
            with pytest.raises(errors.NotFound):
                api.jobs.get("ghost")
            seen = []
            for event in api.jobs.watch(resource_version=start):
                seen.append(event.object["metadata"]["name"])
                break  # leaving early closes the stream
            return seen

    assert await asyncio.to_thread(scenario) == ["sync"]
