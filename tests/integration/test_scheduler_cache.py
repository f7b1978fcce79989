"""The scheduler's cache and commit edge against a real Redis: snapshot from memory equals the
framework's own build, pending reasons and queue capability reach the store, the policy reloads."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pathlib
from collections.abc import AsyncIterator

import numpy as np
import pytest

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import extras, keys, objects, txn
from bench import workload
from services.scheduler import commit, policy
from services.scheduler.cache import view
from services.scheduler.framework import result as result_mod
from services.scheduler.framework import snapshot as snap_mod
from tests import servers


@pytest.fixture
async def cache(store: objects.Store) -> AsyncIterator[view.ClusterCache]:
    c = view.ClusterCache(store)
    stop = asyncio.Event()
    task = asyncio.create_task(c.run(stop))
    yield c
    stop.set()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _cluster(store: objects.Store) -> None:
    await workload.add_nodes(store, [f"n{i}" for i in range(3)], {"cpu": "4", "memory": "8Gi", "pods": "110"})
    await workload.create_all(store, kinds.QUEUE, [workload.queue("default")])
    await workload.add_gangs(store, [workload.Gang("a", 2), workload.Gang("b", 3, cpu="500m"),
                                     workload.Gang("c", 1, phase="Pending")])


def _same(a: snap_mod.Snapshot, b: snap_mod.Snapshot) -> None:
    assert a.dims.names == b.dims.names
    for name in ("allocatable", "used", "releasing", "pod_counts", "max_pods"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in ("node_specs", "pods", "podgroups", "queues", "priority_classes"):
        assert getattr(a, name) == getattr(b, name), name


async def test_snapshot_from_cache_equals_build_snapshot(store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    pod = await store.must_get(kinds.POD, "default", "a-0")
    await store.update(kinds.POD, commit.bound_pod(pod, "n1") | {"status": {"phase": "Running"}}, old=pod)
    await servers.eventually(lambda: _has(cache, "default/a-0", "n1"))
    live = await extras.live_members(store.redis, "node")
    built, chosen = cache.snapshot(live, lambda key: True, 0)
    expected = snap_mod.build_snapshot(
        await store.list_all(kinds.NODE), await store.list_all(kinds.POD), await store.list_all(kinds.PODGROUP),
        await store.list_all(kinds.QUEUE), await store.list_all(kinds.PRIORITY_CLASS))
    _same(built, expected)
    assert chosen.active == {"default/a", "default/b", "default/c"}


async def test_a_node_without_a_live_lease_is_left_out(store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await cache.wait_synced()
    await workload.expire_node(store.redis, "n2")
    built, _ = cache.snapshot(await extras.live_members(store.redis, "node"), lambda key: True, 0)
    assert [s.name for s in built.node_specs] == ["n0", "n1"]


async def test_another_instances_pending_work_is_left_out(store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await servers.eventually(lambda: _count(cache, 6))
    _, chosen = cache.snapshot(["n0"], lambda key: key == "default/a", 0)
    assert chosen.active == {"default/a"}
    assert {p.uid for p in chosen.pods} == {"default/a-0", "default/a-1"}
    # Admitted groups of others stay (queue shares count them); their Pending group does not.
    assert {g.uid for g in chosen.groups} == {"default/a", "default/b"}


async def _has(c: view.ClusterCache, key: str, node: str) -> bool:
    record = c.pod_records.get(key)
    return record is not None and record.node == node


async def _count(c: view.ClusterCache, pods: int) -> bool:
    return len(c.pod_records) == pods


async def test_unplaced_group_gets_pending_reasons_and_bound_group_loses_them(
        store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await servers.eventually(lambda: _count(cache, 6))
    committer = commit.Committer(store, cache, commit.Stats(), lambda q: None)
    reason = result_mod.PendingReason("placement", "0/3 nodes are available", {"Insufficient cpu": 3}, 3)
    await committer.commit(result_mod.SessionResult([], [], {"default/b": reason}), frozenset({"default/b"}))
    group = await store.must_get(kinds.PODGROUP, "default", "b")
    assert json.loads(meta.annotations_of(group)[commit.PENDING_REASONS]) == [
        {"stage": "placement", "message": "0/3 nodes are available",
         "failing_nodes": {"Insufficient cpu": 3}, "nodes_checked": 3}]
    before = meta.resource_version(group)
    await committer.commit(result_mod.SessionResult([], [], {"default/b": reason}), frozenset({"default/b"}))
    assert meta.resource_version(await store.must_get(kinds.PODGROUP, "default", "b")) == before  # unchanged
    await committer.commit(result_mod.SessionResult([_gang(cache, "b", "n0")], [], {}), frozenset({"default/b"}))
    group = await store.must_get(kinds.PODGROUP, "default", "b")
    assert commit.PENDING_REASONS not in meta.annotations_of(group)


def _gang(c: view.ClusterCache, name: str, node: str) -> result_mod.GangBind:
    pods = [r for r in c.pod_records.values() if r.group == f"default/{name}"]
    return result_mod.GangBind("default", name, [
        result_mod.PodBind(r.namespace, r.name, node, r.resource_version, r.requests) for r in pods])


async def test_bind_over_queue_capability_is_refused_whole(store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await servers.eventually(lambda: _count(cache, 6))
    await extras.Extras(store.redis).set_queue_capability("default", {"cpu": 1500})
    stats = commit.Stats()
    committer = commit.Committer(store, cache, stats, lambda q: {"cpu": 1500})
    bound = await committer.commit(result_mod.SessionResult([_gang(cache, "a", "n0")], [], {}),
                                   frozenset({"default/a"}))
    assert bound == set() and stats.commit_conflicts == 1
    assert all(not (p.get("spec") or {}).get("nodeName") for p in await store.list_all(kinds.POD))
    bound = await committer.commit(result_mod.SessionResult([_gang(cache, "b", "n0")], [], {}),
                                   frozenset({"default/b"}))
    assert bound == {"default/b"}
    assert (await extras.Extras(store.redis).queue_used("default"))["cpu"] == 1500


async def test_two_pods_of_a_gang_on_one_node_are_checked_together(store: objects.Store,
                                                                   cache: view.ClusterCache) -> None:
    await _cluster(store)
    await workload.add_gangs(store, [workload.Gang("wide", 3, cpu="2")])
    await servers.eventually(lambda: _count(cache, 9))
    stats = commit.Stats()
    bound = await commit.Committer(store, cache, stats, lambda q: None).commit(
        result_mod.SessionResult([_gang(cache, "wide", "n0")], [], {}), frozenset({"default/wide"}))
    assert bound == set() and stats.commit_conflicts == 1  # 6 cpu on a 4-cpu node


async def test_store_refuses_a_limit_against_a_capability_hash(store: objects.Store) -> None:
    await extras.Extras(store.redis).set_queue_capability("q", {"cpu": 1000})
    plan = txn.Txn()
    plan.limit(keys.queue_used("q"), keys.queue_capability("q"), "cpu", 1001)
    with pytest.raises(errors.Insufficient):
        await store.commit(plan)


POLICY = 'actions: "enqueue, allocate, backfill"\ntiers:\n- plugins:\n  - name: gang\n'


def test_policy_reloads_on_change_and_keeps_the_old_one_on_a_bad_file(
        tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY)
    source = policy.PolicySource(str(path))
    assert source.get().actions == ("enqueue", "allocate", "backfill")
    path.write_text(POLICY.replace("enqueue, allocate, backfill", "enqueue, allocate"))
    os.utime(path, ns=(1, 1))
    assert source.get().actions == ("enqueue", "allocate")
    path.write_text("actions: [unclosed")
    os.utime(path, ns=(2, 2))
    with caplog.at_level(logging.ERROR, "basalt.scheduler"):
        assert source.get().actions == ("enqueue", "allocate")
    assert str(path) in caplog.text


def test_a_bad_policy_at_start_fails_naming_the_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("actions: [unclosed")
    with pytest.raises(policy.PolicyError, match=str(path)):
        policy.PolicySource(str(path))


async def test_evictions_mark_running_victims_for_deletion_all_or_none(
        store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    for name in ("a-0", "a-1"):
        pod = await store.must_get(kinds.POD, "default", name)
        await store.update(kinds.POD, commit.bound_pod(pod, "n0") | {"status": {"phase": "Running"}}, old=pod)
    await servers.eventually(lambda: _has(cache, "default/a-1", "n0"))
    stale = result_mod.Eviction("default", "a-0", 1, "preempt")  # planned from an older view
    fresh = [result_mod.Eviction("default", n, cache.pod_records[f"default/{n}"].resource_version, "preempt")
             for n in ("a-0", "a-1")]
    stats = commit.Stats()
    committer = commit.Committer(store, cache, stats, lambda q: None)
    await committer.commit(result_mod.SessionResult([], [], {}, evictions=[stale, fresh[1]]), frozenset())
    assert stats.commit_conflicts == 1
    assert all("deletionTimestamp" not in p["metadata"] for p in await store.list_all(kinds.POD))
    await committer.commit(result_mod.SessionResult([], [], {}, evictions=fresh), frozenset())
    marked = {meta.name(p) for p in await store.list_all(kinds.POD) if p["metadata"].get("deletionTimestamp")}
    assert marked == {"a-0", "a-1"} and stats.evictions == 2


async def test_each_instance_starts_its_node_scan_elsewhere(store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await cache.wait_synced()
    live = ["n0", "n1", "n2"]
    assert [s.name for s in cache.snapshot(live, lambda key: True, 0, 0.0)[0].node_specs] == ["n0", "n1", "n2"]
    assert [s.name for s in cache.snapshot(live, lambda key: True, 0, 0.5)[0].node_specs] == ["n1", "n2", "n0"]


async def test_cache_holds_pods_of_a_job_with_shared_sections_equal_to_the_store(
        store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await servers.eventually(lambda: _count(cache, 6))
    held = [cache.get(kinds.POD, f"default/b-{i}") for i in range(3)]
    assert held == [await store.get(kinds.POD, "default", f"b-{i}") for i in range(3)]
    first, second = held[0], held[1]
    assert first is not None and second is not None
    assert first["spec"] is second["spec"] and first["metadata"] is not second["metadata"]
    records = [cache.pod_records[f"default/b-{i}"] for i in range(3)]
    assert records[0].requests is records[1].requests and records[0].group is records[1].group


async def test_a_bound_pod_is_held_as_written_without_touching_its_siblings(
        store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await servers.eventually(lambda: _count(cache, 6))
    committer = commit.Committer(store, cache, commit.Stats(), lambda q: None)
    assert await committer.commit(result_mod.SessionResult([_gang(cache, "a", "n0")], [], {}),
                                  frozenset({"default/a"})) == {"default/a"}
    assert cache.get(kinds.POD, "default/a-0") == await store.get(kinds.POD, "default", "a-0")
    sibling = cache.get(kinds.POD, "default/b-0")
    assert sibling is not None and "nodeName" not in sibling["spec"]  # the shared spec was not modified


async def test_a_relist_drops_what_is_gone(store: objects.Store, cache: view.ClusterCache) -> None:
    await _cluster(store)
    await servers.eventually(lambda: _count(cache, 6))
    pods = cache.feeds[view.KINDS.index(kinds.POD)]
    await store.redis.delete(keys.obj(kinds.POD.plural, "default", "c-0"))  # gone without an event
    await store.redis.zrem(keys.index(kinds.POD.plural), keys.member("default", "c-0"))
    seen, _ = await pods.list()
    pods.gone(seen)
    assert "default/c-0" not in cache.pod_records and len(cache.pod_records) == 5
