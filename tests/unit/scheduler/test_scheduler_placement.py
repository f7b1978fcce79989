"""Windowed node search: same nodes as checking every node then sampling, per-node score reuse."""

from __future__ import annotations

import numpy as np
import pytest

from services.scheduler.framework import jobs, nodes, placement, session
from services.scheduler.plugins import scoring
from tests.unit.scheduler.scheduler_builders import Scenario, node, pod, podgroup


def _session(cpus: list[int]) -> tuple[session.Session, jobs.TaskInfo]:
    s = Scenario().nodes(*(node(f"n{i:04d}").cpu(c).memory("1Gi") for i, c in enumerate(cpus)))
    s.groups(podgroup("g").min_member(1)).pods(pod("p").group("g").requests(cpu="1"))
    ssn = session.Session(s.snapshot(), s.policy, 0.0)
    ssn.open_plugins()
    return ssn, next(t for job in ssn.jobs.values() for t in job.tasks.values())


@pytest.mark.parametrize(("seed", "share"), [(0, 0.9), (1, 0.5), (2, 0.2), (3, 0.02), (4, 0.42)])
def test_find_picks_the_nodes_a_full_check_then_sample_picks(seed: int, share: float) -> None:
    cpus = (np.random.default_rng(seed).random(1000) < share).astype(int).tolist()  # 0 cpu: cannot fit
    windowed, task = _session(cpus)
    full, full_task = _session(cpus)
    for _ in range(6):  # consecutive tasks move the start on, and wrap around the ring
        found = placement.find(windowed, task)
        expected = np.flatnonzero(placement.sample(full, placement.feasible_nodes(full, full_task).mask))
        assert found.rows.tolist() == expected.tolist()
        assert windowed.next_node == full.next_node


@pytest.mark.parametrize("feasible", [420, 421])  # 420 to find of 1000: all of them, or all but one
def test_find_moves_the_start_only_when_a_feasible_node_was_left_out(feasible: int) -> None:
    ssn, task = _session([1] * feasible + [0] * (1000 - feasible))
    ssn.next_node = 10
    found = placement.find(ssn, task)
    left_out = set(range(feasible)) - set(found.rows.tolist())
    # 421: from 10 up to 420, then wrapping round to 8; the next task starts at the one left out.
    assert (len(found.rows), left_out, ssn.next_node) == ((420, set(), 10) if feasible == 420 else (420, {9}, 9))


def test_find_counts_every_node_when_nothing_fits() -> None:
    ssn, task = _session([0] * 300)
    ssn.next_node = 123
    found = placement.find(ssn, task)
    assert not found.any and found.errors.message() == "0/300 nodes are unavailable: 300 Insufficient cpu."
    assert ssn.next_node == 123


def test_row_scores_recompute_only_changed_nodes() -> None:
    ssn, task = _session([4] * 10)
    matrix, asked = ssn.nodes, list[list[int]]()

    def used_cpu(rows: nodes.Indices) -> scoring.Floats:
        asked.append(rows.tolist())
        out: scoring.Floats = matrix.used[rows, 0].astype(np.float64)
        return out

    cache = scoring.RowScores(len(matrix))
    rows = np.arange(2, 6, dtype=np.intp)
    assert cache.get(matrix, rows, used_cpu).tolist() == [0.0] * 4
    assert cache.get(matrix, rows, used_cpu).tolist() == [0.0] * 4 and asked == [[2, 3, 4, 5]]
    matrix.allocate(8, task.vector)  # outside the rows: not needed yet
    assert cache.get(matrix, rows, used_cpu).tolist() == [0.0] * 4 and len(asked) == 1
    matrix.allocate(3, task.vector)  # now stale: recomputed with every node changed since
    assert cache.get(matrix, rows, used_cpu).tolist() == [0.0, 1000.0, 0.0, 0.0]
    assert asked[-1] == [3, 8]
    assert cache.get(matrix, np.array([8], dtype=np.intp), used_cpu).tolist() == [1000.0] and len(asked) == 2
