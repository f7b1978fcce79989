"""Invariants on random clusters: capacity never exceeded, gangs all or nothing, determinism."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from basalt.api import labels, resources
from services.scheduler import conf as conf_mod
from services.scheduler import framework
from tests.unit.scheduler.scheduler_builders import Scenario, node, pod, podgroup, policy, queue


@dataclass(frozen=True)
class Gang:
    replicas: int
    min_member: int
    cpu: int  # milli
    memory_gi: int
    gpu: int
    running: int  # pods of the gang already running on node 0 (if they fit; else pending)
    pending_phase: bool


nodes_st = st.lists(
    st.tuples(st.integers(1, 8), st.integers(1, 16), st.integers(0, 4), st.integers(1, 10)), min_size=1, max_size=6
)
gangs_st = st.lists(
    st.builds(
        Gang,
        replicas=st.integers(1, 5),
        min_member=st.integers(1, 5),
        cpu=st.sampled_from([0, 250, 500, 1000, 2000, 3000]),
        memory_gi=st.integers(0, 4),
        gpu=st.integers(0, 2),
        running=st.integers(0, 2),
        pending_phase=st.booleans(),
    ),
    max_size=6,
)


def _scenario(node_specs: list[tuple[int, int, int, int]], gangs: list[Gang]) -> Scenario:
    s = Scenario()
    for i, (cpu, mem, gpu, pods) in enumerate(node_specs):
        s.nodes(node(f"n{i}").cpu(cpu).memory(f"{mem}Gi").gpu(gpu).pods(pods))
    for g, gang in enumerate(gangs):
        name = f"g{g}"
        min_member = min(gang.min_member, gang.replicas)
        group = podgroup(name).min_member(min_member).phase("Pending" if gang.pending_phase else "Inqueue")
        s.groups(group)
        for r in range(gang.replicas):
            p = pod(f"{name}-{r}").group(name).requests(cpu=f"{gang.cpu}m", memory=f"{gang.memory_gi}Gi", gpu=gang.gpu)
            s.pods(p.on("n0") if r < gang.running else p)
    return s


def _node_load(s: Scenario, result: framework.SessionResult) -> None:
    snap = s.snapshot()
    used = {spec.name: snap.dims.to_dict(snap.used[i]) for i, spec in enumerate(snap.node_specs)}
    counts = {spec.name: int(snap.pod_counts[i]) for i, spec in enumerate(snap.node_specs)}
    for gang in result.binds:
        for bind in gang.pods:
            used[bind.node] = resources.add(used[bind.node], bind.requests)
            counts[bind.node] += 1
    for i, spec in enumerate(snap.node_specs):
        allocatable = snap.dims.to_dict(snap.allocatable[i])
        # Pods bound before the session may already overfill a node; the session must not add to it.
        before = snap.dims.to_dict(snap.used[i])
        added = resources.sub(used[spec.name], before)
        for name, value in added.items():
            if value > 0:
                assert used[spec.name][name] <= allocatable.get(name, 0), (spec.name, name)
        if counts[spec.name] > int(snap.pod_counts[i]):
            assert counts[spec.name] <= int(snap.max_pods[i])


@settings(max_examples=150, deadline=None)
@given(nodes_st, gangs_st)
def test_capacity_never_exceeded_and_gangs_all_or_nothing(
    node_specs: list[tuple[int, int, int, int]], gangs: list[Gang]
) -> None:
    s = _scenario(node_specs, gangs)
    result = s.run()
    _node_load(s, result)
    seen: set[str] = set()
    for bind in result.binds:
        assert bind.podgroup_name not in seen  # one gang, one bind
        seen.add(bind.podgroup_name)
        gang = gangs[int(bind.podgroup_name[1:])]
        already = min(gang.running, gang.replicas)
        assert already + len(bind.pods) >= min(gang.min_member, gang.replicas)
        names = [p.name for p in bind.pods]
        assert len(set(names)) == len(names)
        assert all(int(n.rsplit("-", 1)[1]) >= already for n in names)  # only pending pods bind


@settings(max_examples=60, deadline=None)
@given(nodes_st, gangs_st, st.randoms(use_true_random=False))
def test_same_snapshot_same_decisions(
    node_specs: list[tuple[int, int, int, int]], gangs: list[Gang], rnd: random.Random
) -> None:
    s = _scenario(node_specs, gangs)
    first = s.run()
    assert s.run() == first
    # Input order does not matter either.
    for items in (s._nodes, s._groups, s._pods):
        rnd.shuffle(items)
    assert s.run() == first


# -- preempt and reclaim -----------------------------------------------------------------------------

EVICTING = policy("enqueue, allocate, preempt, reclaim, backfill")


@dataclass(frozen=True)
class Job:
    gang: Gang
    priority: int  # PriorityClass p0..p2
    queue: str  # q0 or q1
    preemptable: bool


# Busy clusters: jobs that already run several pods and jobs that wait behind them.
busy_nodes_st = st.lists(
    st.tuples(st.integers(2, 6), st.integers(8, 16), st.just(0), st.integers(4, 10)), min_size=1, max_size=2
)
jobs_st = st.lists(
    st.builds(
        Job,
        gang=st.builds(
            Gang,
            replicas=st.integers(1, 4),
            min_member=st.integers(1, 3),
            cpu=st.sampled_from([500, 1000, 2000]),
            memory_gi=st.integers(0, 1),
            gpu=st.just(0),
            running=st.integers(0, 4),
            pending_phase=st.sampled_from([False, False, True]),
        ),
        priority=st.integers(0, 2),
        queue=st.sampled_from(["q0", "q0", "q1"]),
        preemptable=st.sampled_from([True, True, False]),
    ),
    min_size=1,
    max_size=6,
)


def _evicting_scenario(node_specs: list[tuple[int, int, int, int]], specs: list[Job], q1_reclaimable: bool) -> Scenario:
    s = Scenario(EVICTING).queues(queue("q0"), queue("q1").reclaimable(q1_reclaimable))
    for level in range(3):
        s.priority_class(f"p{level}", level * 10)
    room = []
    for i, (cpu, mem, gpu, pods) in enumerate(node_specs):
        s.nodes(node(f"n{i}").cpu(cpu).memory(f"{mem}Gi").gpu(gpu).pods(pods))
        room.append([cpu * 1000, mem, pods])
    for g, job in enumerate(specs):
        gang, name = job.gang, f"g{g}"
        group = podgroup(name).min_member(min(gang.min_member, gang.replicas)).queue(job.queue)
        s.groups(group.priority_class(f"p{job.priority}").phase("Pending" if gang.pending_phase else "Inqueue"))
        for r in range(gang.replicas):
            p = pod(f"{name}-{r}").group(name).priority_class(f"p{job.priority}")
            p.requests(cpu=f"{gang.cpu}m", memory=f"{gang.memory_gi}Gi", gpu=gang.gpu)
            if not job.preemptable:
                p.annotate(labels.PREEMPTABLE, "false")
            # Running pods go where they fit (a full cluster, not an overfilled one).
            free = next((i for i, (c, m, n) in enumerate(room) if c >= gang.cpu and m >= gang.memory_gi and n), None)
            if r < gang.running and free is not None:
                room[free][0] -= gang.cpu
                room[free][1] -= gang.memory_gi
                room[free][2] -= 1
                p.on(f"n{free}")
            s.pods(p)
    return s


def _apply(s: Scenario, result: framework.SessionResult) -> None:
    """What the I/O side does: bind, and delete the evicted pods."""
    gone = {(e.namespace, e.name) for e in result.evictions}
    bound = {(p.namespace, p.name): p.node for b in result.binds for p in b.pods}
    s._pods = [p for p in s._pods if (p["metadata"]["namespace"], p["metadata"]["name"]) not in gone]
    for p in s._pods:
        where = bound.get((p["metadata"]["namespace"], p["metadata"]["name"]))
        if where:
            p["spec"]["nodeName"], p["status"]["phase"] = where, "Running"


_LOW = Job(Gang(4, 1, 1000, 0, 0, 4, False), 0, "q0", True)
_HIGH = Job(Gang(2, 2, 1000, 0, 0, 0, False), 2, "q0", True)


@settings(max_examples=120, deadline=None)
@given(busy_nodes_st, jobs_st, st.booleans())
@example([(4, 8, 0, 10)], [_LOW, _HIGH], True)  # preempt
@example([(4, 8, 0, 10)], [_LOW, replace(_HIGH, queue="q1")], True)  # reclaim
@example([(4, 8, 0, 10)], [replace(_LOW, queue="q1"), _HIGH], False)  # q1 not reclaimable
def test_evictions_keep_capacity_gangs_and_rules(
    node_specs: list[tuple[int, int, int, int]], specs: list[Job], q1_reclaimable: bool
) -> None:
    s = _evicting_scenario(node_specs, specs, q1_reclaimable)
    pods = {p["metadata"]["name"]: p for p in s._pods}
    result = s.run()
    assert s.run() == result  # deterministic, evictions included
    _node_load(s, result)
    names = [e.name for e in result.evictions]
    assert len(set(names)) == len(names)
    for eviction in result.evictions:
        victim = pods[eviction.name]
        job = specs[int(eviction.name.split("-")[0][1:])]
        assert victim["spec"].get("nodeName") and victim["status"]["phase"] == "Running"
        assert job.preemptable  # preemptable=false is never evicted
        if eviction.reason == "reclaim":
            assert job.queue == "q0" or q1_reclaimable
        else:  # preempt: only for a higher-priority job of the same queue with pods waiting
            waiting = {int(n.split("-")[0][1:]) for n, p in pods.items() if not p["spec"].get("nodeName")}
            assert any(specs[k].queue == job.queue and specs[k].priority > job.priority for k in waiting)
    # A victim gang keeps at least minMember running pods (gang's rule), counting the pods this
    # session binds: like Volcano, a gang's allocated tasks count as ready when picking victims.
    bound = {p.name for b in result.binds for p in b.pods}
    for g, job in enumerate(specs):
        running = sum(1 for n, p in pods.items() if n.startswith(f"g{g}-") and (p["spec"].get("nodeName") or n in bound))
        lost = sum(1 for n in names if n.startswith(f"g{g}-"))
        if lost:
            assert running - lost >= min(job.gang.min_member, job.gang.replicas)
    # Next session, with the evictions carried out: the preemptors bind within capacity.
    _apply(s, result)
    _node_load(s, s.run())


HOLDING = conf_mod.parse_conf(
    """
actions: "enqueue, allocate, reservation, backfill"
tiers:
- plugins: [{name: priority}, {name: gang}, {name: conformance}]
- plugins: [{name: overcommit}, {name: drf}, {name: predicates}, {name: proportion}, {name: nodeorder}]
configurations:
- name: reservation
  arguments: {reservation.waitSeconds: 0, reservation.maxGangs: 3}
"""
)


@settings(max_examples=100, deadline=None)
@given(nodes_st, gangs_st)
def test_reservations_keep_capacity_and_gangs_whole(node_specs: list[tuple[int, int, int, int]], gangs: list[Gang]) -> None:
    s = _scenario(node_specs, gangs)
    s.policy = HOLDING
    result = s.run()
    assert s.run() == result
    _node_load(s, result)
    for bind in result.binds:
        gang = gangs[int(bind.podgroup_name[1:])]
        assert min(gang.running, gang.replicas) + len(bind.pods) >= min(gang.min_member, gang.replicas)
    held = [n for r in result.reservations for n in r.nodes]
    assert len(held) == len(set(held))  # a node is held for one gang at most
    assert not {r.podgroup_name for r in result.reservations} & {b.podgroup_name for b in result.binds}
