"""The object store against a real redis-server: CAS, list + watch, accounting, atomic commits."""

from __future__ import annotations

import asyncio
import copy
from typing import Any, cast

import pytest
import redis.asyncio as aioredis

from basalt import errors
from basalt.api import kinds
from basalt.store import keys, objects, txn


def pod(name: str, *, node: str = "", cpu: str = "1", ns: str = "default") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu}}}]}
    if node:
        spec["nodeName"] = node
    return {"metadata": {"name": name, "namespace": ns, "labels": {"volcano.sh/queue-name": "q"}},
            "spec": spec, "status": {"phase": "Pending"}}


async def used_cpu(client: aioredis.Redis, used_key: str) -> int:
    """The "cpu" field of a used-resources hash (raw bytes replies: the client sets no decode)."""
    return int(cast(bytes, await client.hget(used_key, "cpu")))


async def test_create_assigns_identity_and_version(store: objects.Store) -> None:
    created = await store.create(kinds.POD, pod("a"))
    assert created["kind"] == "Pod" and created["apiVersion"] == "v1"
    assert created["metadata"]["uid"] and int(created["metadata"]["resourceVersion"]) > 0
    fetched = await store.get(kinds.POD, "default", "a")
    assert fetched == created


async def test_create_twice_is_already_exists(store: objects.Store) -> None:
    await store.create(kinds.POD, pod("a"))
    with pytest.raises(errors.AlreadyExists):
        await store.create(kinds.POD, pod("a"))


async def test_cas_conflict_detected(store: objects.Store) -> None:
    first = await store.create(kinds.POD, pod("a"))
    winner, loser = copy.deepcopy(first), copy.deepcopy(first)
    winner["status"]["phase"] = "Running"
    await store.update(kinds.POD, winner)
    loser["status"]["phase"] = "Failed"
    with pytest.raises(errors.Conflict):
        await store.update(kinds.POD, loser)
    current = await store.must_get(kinds.POD, "default", "a")
    assert current["status"]["phase"] == "Running"


async def test_list_pages_and_namespaces(store: objects.Store) -> None:
    for i in range(5):
        await store.create(kinds.POD, pod(f"p{i}"))
    await store.create(kinds.POD, pod("other", ns="team-b"))
    first = await store.list(kinds.POD, "default", limit=2)
    assert [p["metadata"]["name"] for p in first.items] == ["p0", "p1"] and first.continue_token
    rest = await store.list(kinds.POD, "default", continue_token=first.continue_token)
    assert [p["metadata"]["name"] for p in rest.items] == ["p2", "p3", "p4"]
    assert len((await store.list(kinds.POD)).items) == 6
    assert [p["metadata"]["name"] for p in (await store.list(kinds.POD, "team-b")).items] == ["other"]


async def test_watch_resumes_from_resource_version(store: objects.Store) -> None:
    await store.create(kinds.POD, pod("a"))
    mark = await store.current_rv()
    await store.create(kinds.POD, pod("b"))
    b = await store.must_get(kinds.POD, "default", "b")
    b["status"]["phase"] = "Running"
    await store.update(kinds.POD, b)
    await store.delete(kinds.POD, b)
    seen = [(e.type, e.object["metadata"]["name"]) async for e in
            store.watch(kinds.POD, mark, block_ms=50, stop_when_idle=True)]
    assert seen == [("ADDED", "b"), ("MODIFIED", "b"), ("DELETED", "b")]


async def test_watch_too_old_is_gone(redis_client: aioredis.Redis) -> None:
    small = objects.Store(redis_client, stream_cap=3)
    for i in range(6):
        await small.create(kinds.POD, pod(f"p{i}"))
    with pytest.raises(errors.Gone):
        async for _ in small.watch(kinds.POD, 1, block_ms=10, stop_when_idle=True):
            pass


async def test_trimmed_streams_keep_at_least_cap_events(redis_client: aioredis.Redis) -> None:
    """Trimming runs in batches (once per 5% over the cap), never below the cap: a watch from any
    of the last ``cap`` changes replays them; one from before the trimmed ones is Gone."""
    small = objects.Store(redis_client, stream_cap=40)
    marks = []
    for i in range(100):
        marks.append(await small.current_rv())
        await small.create(kinds.POD, pod(f"p{i:03d}"))
    assert 40 <= await redis_client.xlen(keys.events("pods")) <= 42
    replayed = [e.object["metadata"]["name"] async for e in
                small.watch(kinds.POD, marks[60], block_ms=10, stop_when_idle=True)]
    assert replayed == [f"p{i:03d}" for i in range(60, 100)]
    with pytest.raises(errors.Gone):
        async for _ in small.watch(kinds.POD, marks[10], block_ms=10, stop_when_idle=True):
            pass


async def test_watch_delivers_live_changes(store: objects.Store) -> None:
    mark = await store.current_rv()

    async def first_event() -> objects.Event:
        async for event in store.watch(kinds.POD, mark, block_ms=100):
            return event
        raise AssertionError("watch ended")

    waiter = asyncio.create_task(first_event())
    await store.create(kinds.POD, pod("live"))
    event = await asyncio.wait_for(waiter, 5)
    assert event.type == "ADDED" and event.object["metadata"]["name"] == "live"


async def test_bind_checks_and_moves_node_accounting(store: objects.Store, redis_client: aioredis.Redis) -> None:
    await redis_client.hset(keys.node_allocatable("n1"), mapping={"cpu": 2000, "pods": 10_000})
    a, b, c = [await store.create(kinds.POD, pod(n)) for n in ("a", "b", "c")]

    def bind(p: dict[str, Any]) -> dict[str, Any]:
        bound = copy.deepcopy(p)
        bound["spec"]["nodeName"] = "n1"
        return bound

    gang = txn.Txn()
    for p in (a, b):
        gang.put(kinds.POD, bind(p), expect=int(p["metadata"]["resourceVersion"]), old=p)
    await store.commit(gang)
    assert await used_cpu(redis_client, keys.node_used("n1")) == 2000
    assert await used_cpu(redis_client, keys.queue_used("q")) == 2000

    third = txn.Txn()
    third.put(kinds.POD, bind(c), expect=int(c["metadata"]["resourceVersion"]), old=c)
    with pytest.raises(errors.Insufficient):
        await store.commit(third)
    assert (await store.must_get(kinds.POD, "default", "c"))["spec"].get("nodeName") is None

    done = await store.must_get(kinds.POD, "default", "a")
    done["status"]["phase"] = "Succeeded"
    release = txn.Txn()
    release.put(kinds.POD, done, expect=int(done["metadata"]["resourceVersion"]),
                old=await store.must_get(kinds.POD, "default", "a"))
    await store.commit(release)
    assert await used_cpu(redis_client, keys.node_used("n1")) == 1000


async def test_gang_commit_is_all_or_nothing_on_stale_member(store: objects.Store) -> None:
    a = await store.create(kinds.POD, pod("a"))
    b = await store.create(kinds.POD, pod("b"))
    stale_b = copy.deepcopy(b)
    b["status"]["phase"] = "Running"
    await store.update(kinds.POD, b)
    t = txn.Txn()
    for p in (a, stale_b):
        bound = copy.deepcopy(p)
        bound["metadata"]["labels"]["bound"] = "yes"
        t.put(kinds.POD, bound, expect=int(p["metadata"]["resourceVersion"]))
    with pytest.raises(errors.Conflict):
        await store.commit(t)
    assert "bound" not in (await store.must_get(kinds.POD, "default", "a"))["metadata"]["labels"]


async def test_list_limit_beyond_redis_integers_is_capped(store: objects.Store) -> None:
    await store.create(kinds.POD, pod("a"))
    page = await store.list(kinds.POD, "default", limit=10**17)
    assert [p["metadata"]["name"] for p in page.items] == ["a"] and page.continue_token == ""


async def test_two_pods_of_a_gang_on_one_node_are_checked_together(store: objects.Store, redis_client: aioredis.Redis) -> None:
    await redis_client.hset(keys.node_allocatable("n1"), mapping={"cpu": 1500, "pods": 10_000})
    a, b = [await store.create(kinds.POD, pod(n)) for n in ("a", "b")]
    gang = txn.Txn()
    for p in (a, b):  # 2 x 1 cpu on a 1.5 cpu node: each fits alone, not together
        bound = copy.deepcopy(p)
        bound["spec"]["nodeName"] = "n1"
        gang.put(kinds.POD, bound, expect=int(p["metadata"]["resourceVersion"]), old=p)
    with pytest.raises(errors.Insufficient, match=r"insufficient cpu on n1: 1500 free, 2000 requested"):
        await store.commit(gang)
    assert await redis_client.hget(keys.node_used("n1"), "cpu") is None  # nothing was taken


async def test_node_usage_stays_exact_for_large_amounts_and_mixed_plans(
        store: objects.Store, redis_client: aioredis.Redis) -> None:
    """Large amounts stay exact integers through the script, and a plan that releases a pod on a
    node while binding another there keeps both changes."""
    tib = 2**40 * 1000  # 1 TiB in milli-units: Lua numbers are doubles, printed with %.14g
    await redis_client.hset(keys.node_allocatable("n1"), mapping={"cpu": 8000, "memory": 4 * tib, "pods": 10_000})
    await redis_client.hset(keys.node_used("n1"), mapping={"memory": tib + 1})
    big = pod("big")
    big["spec"]["containers"][0]["resources"]["requests"]["memory"] = "1Ti"
    old, other = await store.create(kinds.POD, big), await store.create(kinds.POD, pod("other"))
    bound = copy.deepcopy(old)
    bound["spec"]["nodeName"] = "n1"
    plan = txn.Txn()
    plan.put(kinds.POD, bound, expect=int(old["metadata"]["resourceVersion"]), old=old)
    await store.commit(plan)
    assert int(cast(bytes, await redis_client.hget(keys.node_used("n1"), "memory"))) == 2 * tib + 1
    assert await used_cpu(redis_client, keys.node_used("n1")) == 1000

    done = await store.must_get(kinds.POD, "default", "big")
    finished = copy.deepcopy(done)
    finished["status"]["phase"] = "Succeeded"
    moved = copy.deepcopy(other)
    moved["spec"]["nodeName"] = "n1"
    mixed = txn.Txn()  # one pod leaves n1 (cpu -1000) while another arrives (+1000)
    mixed.put(kinds.POD, finished, expect=int(done["metadata"]["resourceVersion"]), old=done)
    mixed.put(kinds.POD, moved, expect=int(other["metadata"]["resourceVersion"]), old=other)
    await store.commit(mixed)
    assert await used_cpu(redis_client, keys.node_used("n1")) == 1000
    assert int(cast(bytes, await redis_client.hget(keys.node_used("n1"), "memory"))) == tib + 1
    assert await used_cpu(redis_client, keys.queue_used("q")) == 1000
