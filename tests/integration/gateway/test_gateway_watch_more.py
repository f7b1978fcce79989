"""Watches on pods, podgroups and commands, and PriorityClasses over REST, against the real controller."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from basalt.api import kinds
from basalt.store import objects

PC = "/apis/scheduling.k8s.io/v1/priorityclasses"


async def first_events(http: aiohttp.ClientSession, path: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    async with http.get(path, params={"watch": "true", "resourceVersion": "0"}) as reply:
        assert reply.status == 200, await reply.text()
        async for line in reply.content:
            if line.strip():
                found.append(json.loads(line))
            if len(found) >= count:
                return found
    return found


async def test_pod_watch_lists_then_streams(http: aiohttp.ClientSession, store: objects.Store) -> None:
    await store.create(kinds.POD, {"metadata": {"name": "w1", "namespace": "default"}, "spec": {"containers": []}})
    watcher = asyncio.create_task(first_events(http, "/api/v1/namespaces/default/pods", 2))
    # Before or after the watch's list, w2 arrives as the second ADDED event either way.
    await store.create(kinds.POD, {"metadata": {"name": "w2", "namespace": "default"}, "spec": {"containers": []}})
    events = await asyncio.wait_for(watcher, 20)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "w1"), ("ADDED", "w2")]


async def test_priority_classes_create_list_refuse_and_delete(http: aiohttp.ClientSession) -> None:
    body = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
            "value": 1000, "globalDefault": True}
    async with http.post(PC, json=body) as reply:
        assert reply.status == 201, await reply.text()
    second = {**body, "metadata": {"name": "other"}}
    async with http.post(PC, json=second) as reply:
        refused = await reply.json()
        assert reply.status == 422 and refused["details"]["causes"][0]["field"] == "globalDefault", refused
    async with http.post(PC, json={**body, "metadata": {"name": "huge"}, "globalDefault": False,
                                   "value": 2_000_000_000}) as reply:
        assert reply.status == 422
    async with http.get(PC) as reply:
        listed = await reply.json()
        assert [p["metadata"]["name"] for p in listed["items"]] == ["high"]
    async with http.delete(f"{PC}/high") as reply:
        assert reply.status == 200
    async with http.get(f"{PC}/high") as reply:
        assert reply.status == 404


async def test_nodes_get_list_page_and_watch(http: aiohttp.ClientSession, store: objects.Store) -> None:
    for name in ("n1", "n2", "n3"):
        await store.create(kinds.NODE, {"metadata": {"name": name, "labels": {"pool": "a" if name != "n3" else "b"}},
                                        "status": {"allocatable": {"cpu": "4"}}})
    async with http.get("/api/v1/nodes/n2") as reply:
        assert reply.status == 200 and (await reply.json())["metadata"]["name"] == "n2"
    async with http.get("/api/v1/nodes", params={"labelSelector": "pool=a", "limit": "1"}) as reply:
        page = await reply.json()
    assert [n["metadata"]["name"] for n in page["items"]] == ["n1"] and page["metadata"]["continue"]
    events = await first_events(http, "/api/v1/nodes", 3)
    assert [e["object"]["metadata"]["name"] for e in events] == ["n1", "n2", "n3"]
