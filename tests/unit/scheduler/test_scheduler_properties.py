"""Invariants on random clusters: capacity never exceeded, gangs all or nothing, determinism."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from basalt.api import resources
from services.scheduler import framework
from tests.unit.scheduler.scheduler_builders import Scenario, node, pod, podgroup


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
