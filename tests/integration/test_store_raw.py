"""Undecoded reads against a real redis-server: raw list, paged list, raw watch, and the
scheduler's feed (paged list + raw watch) and compact decoding built on them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from basalt.api import kinds
from basalt.store import codec, objects, txn
from services.scheduler.cache import compact, feed


def pod(name: str, ns: str = "default", group: str = "g") -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": ns, "annotations": {"scheduling.k8s.io/group-name": group}},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]},
            "status": {"phase": "Pending"}}


async def _pods(store: objects.Store, count: int, ns: str = "default") -> list[dict[str, Any]]:
    return [await store.create(kinds.POD, pod(f"p{i:02d}", ns)) for i in range(count)]


async def test_list_raw_decodes_to_what_list_returns(store: objects.Store) -> None:
    await _pods(store, 3)
    await store.create(kinds.NODE, {"metadata": {"name": "n1"}})
    raw, decoded = await store.list_raw(kinds.POD), await store.list(kinds.POD)
    assert [codec.decode(o.data, o.resource_version) for o in raw.items] == decoded.items
    assert [o.key for o in raw.items] == ["default/p00", "default/p01", "default/p02"]
    assert raw.resource_version == decoded.resource_version
    assert [o.key for o in (await store.list_raw(kinds.NODE)).items] == ["n1"]  # cluster-scoped: no "/"


async def test_list_raw_pages_continue_where_list_does(store: objects.Store) -> None:
    await _pods(store, 5)
    await store.create(kinds.NODE, {"metadata": {"name": "n1"}})
    await store.create(kinds.NODE, {"metadata": {"name": "n2"}})
    raw, decoded = await store.list_raw(kinds.POD, limit=2), await store.list(kinds.POD, limit=2)
    assert raw.continue_token == decoded.continue_token == "default/p01"
    nodes = await store.list_raw(kinds.NODE, limit=1)
    assert nodes.continue_token == (await store.list(kinds.NODE, limit=1)).continue_token
    rest = await store.list_raw(kinds.NODE, continue_token=nodes.continue_token)
    assert [o.key for o in rest.items] == ["n2"]


async def test_paged_list_returns_every_object_once_in_pages(store: objects.Store) -> None:
    await _pods(store, 7)
    await _pods(store, 2, ns="team-b")
    pages = [p async for p in store.list_pages_raw(kinds.POD, page_size=3)]
    assert [len(p.items) for p in pages] == [3, 3, 3]
    keys = [o.key for p in pages for o in p.items]
    assert keys == sorted(keys) and len(set(keys)) == 9
    only_b = [o.key async for p in store.list_pages_raw(kinds.POD, "team-b", page_size=1) for o in p.items]
    assert only_b == ["team-b/p00", "team-b/p01"]


async def test_paged_list_of_nothing_is_one_empty_page(store: objects.Store) -> None:
    pages = [p async for p in store.list_pages_raw(kinds.POD, page_size=3)]
    assert len(pages) == 1 and pages[0].items == [] and pages[0].continue_token == ""


async def test_watch_raw_yields_each_change_undecoded(store: objects.Store) -> None:
    since = await store.current_rv()
    created = await store.create(kinds.POD, pod("a"))
    created["status"]["phase"] = "Running"
    await store.update(kinds.POD, created)
    await store.delete(kinds.POD, created)
    raw = [e async for e in store.watch_raw(kinds.POD, since, block_ms=10, stop_when_idle=True)]
    decoded = [e async for e in store.watch(kinds.POD, since, block_ms=10, stop_when_idle=True)]
    assert [e.type for e in raw] == ["ADDED", "MODIFIED", "DELETED"]
    assert [(e.type, codec.decode(e.data, e.resource_version), e.resource_version) for e in raw] == \
        [(e.type, e.object, e.resource_version) for e in decoded]


async def test_feed_lists_in_pages_then_watches_from_the_first_page(store: objects.Store) -> None:
    await _pods(store, 5)
    seen: list[tuple[str, str, int]] = []
    gone: list[set[str]] = []
    f = feed.Feed(store, kinds.POD, lambda t, k, d, rv, _origin: seen.append((t, k or json.loads(d)["metadata"]["name"], rv)),
                  lambda keys: gone.append(set(keys)), page_size=2)
    stop = asyncio.Event()
    task = asyncio.create_task(f.run(stop))
    await f.synced.wait()
    assert [(t, k) for t, k, _ in seen] == [("SYNC", f"default/p{i:02d}") for i in range(5)]
    assert gone == [{f"default/p{i:02d}" for i in range(5)}]
    await store.create(kinds.POD, pod("late"))
    while not any(t == "ADDED" for t, _, _ in seen):
        await asyncio.sleep(0.01)  # polling the feed's progress, not synchronisation by time
    stop.set()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert seen[-1][:2] == ("ADDED", "late")


def test_compact_objects_are_equal_and_share_equal_sections() -> None:
    c = compact.Compactor()
    a, b = (c.decode(json.dumps(pod(n)), rv) for n, rv in (("a", 1), ("b", 2)))
    assert a == codec.decode(json.dumps(pod("a")), 1)
    assert a["spec"] is b["spec"] and a["metadata"]["annotations"] is b["metadata"]["annotations"]
    assert a["metadata"] is not b["metadata"]
    other = c.decode(json.dumps(pod("c", group="h")), 3)
    assert other["metadata"]["annotations"] is not a["metadata"]["annotations"]


def test_compact_keeps_types_apart() -> None:
    c = compact.Compactor()
    one, true = c.canonical({"x": 1}), c.canonical({"x": True})
    assert one is not true and true["x"] is True
    assert c.canonical({"y": 1, "x": 2}) is not c.canonical({"x": 2, "y": 1})  # key order is kept


def test_compact_table_is_bounded() -> None:
    c = compact.Compactor(max_entries=2)
    for i in range(5):
        assert c.canonical({"i": i}) == {"i": i}
    assert len(c) <= 2


async def test_watch_events_name_the_committer(store: objects.Store) -> None:
    since = await store.current_rv()
    await store.create(kinds.POD, pod("anonymous"))
    plan = txn.Txn(origin="scheduler-a")
    plan.put(kinds.POD, pod("tagged"), expect=txn.MUST_NOT_EXIST)
    await store.commit(plan)
    events = [e async for e in store.watch_raw(kinds.POD, since, block_ms=10, stop_when_idle=True)]
    assert [e.origin for e in events] == [b"", b"scheduler-a"]
    assert await store.stream_heads([kinds.POD, kinds.NODE]) == [events[-1].resource_version, 0]


async def test_a_held_feed_delivers_nothing_until_released_then_reaches_the_head(store: objects.Store) -> None:
    seen: list[str] = []
    f = feed.Feed(store, kinds.POD, lambda t, k, d, rv, o: seen.append(json.loads(d)["metadata"]["name"]),
                  lambda keys: None)
    stop = asyncio.Event()
    task = asyncio.create_task(f.run(stop))
    await f.synced.wait()
    f.hold()
    await _pods(store, 3)
    head = (await store.stream_heads([kinds.POD]))[0]
    with pytest.raises(asyncio.TimeoutError):  # held: the head is not reached
        await asyncio.wait_for(f.reach(head), 0.5)
    assert seen == []
    f.release()
    await asyncio.wait_for(f.reach(head), 10)
    assert seen == ["p00", "p01", "p02"] and f.resource_version == head
    stop.set()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
