"""Framework pieces: tier voting, statements, node sampling, queue shares, PodGroup phases."""

from __future__ import annotations

import numpy as np
import pytest

from services.scheduler import conf
from services.scheduler.framework import hooks, jobs, placement, session, statement
from tests.unit.scheduler.scheduler_builders import Scenario, node, phases, placements, pod, podgroup, queue

PERMIT, ABSTAIN, REJECT = hooks.PERMIT, hooks.ABSTAIN, hooks.REJECT


def _two_tiers() -> conf.SchedulerConf:
    return conf.parse_conf(
        'actions: "allocate"\ntiers:\n- plugins:\n  - name: priority\n  - name: gang\n'
        "- plugins:\n  - name: drf\n  - name: binpack\n"
    )


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ({}, True),
        ({"priority": ABSTAIN, "drf": ABSTAIN}, True),
        ({"priority": REJECT}, False),
        ({"priority": PERMIT, "drf": REJECT}, True),  # tier 1 permitted: tier 2 is not asked
        ({"priority": ABSTAIN, "drf": REJECT}, False),
        ({"priority": PERMIT, "gang": REJECT}, False),  # a reject in the deciding tier wins
    ],
)
def test_vote_aggregation(votes: dict[str, int], expected: bool) -> None:
    hookset = hooks.HookSet(tiers=_two_tiers().tiers)
    for plugin, vote in votes.items():
        hookset.add("job_pipelined", plugin, lambda _job, v=vote: v)
    assert hookset.job_pipelined(object()) is expected  # type: ignore[arg-type]


def test_orders_first_opinion_wins_and_scores_add_up() -> None:
    hookset = hooks.HookSet(tiers=_two_tiers().tiers)
    hookset.add("queue_order", "drf", lambda _l, _r: 1)
    hookset.add("queue_order", "priority", lambda _l, _r: 0)
    hookset.add("queue_order", "binpack", lambda _l, _r: -1)
    assert hookset._compare("queue_order", None, None) == 1
    hookset.add("node_order", "drf", lambda _t, _m, rows: np.ones(len(rows)))
    hookset.add("node_order", "binpack", lambda _t, _m, rows: np.full(len(rows), 2.0))
    assert hookset.node_scores(None, None, np.arange(3)).tolist() == [3.0, 3.0, 3.0]  # type: ignore[arg-type]
    hookset.add("overused", "binpack", lambda _q: True)
    assert hookset.overused(None)  # type: ignore[arg-type]


def test_statement_discard_restores_the_session() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"), node("n2").cpu("4").memory("8Gi"))
    s.gang("a", 2, cpu="1")
    ssn = session.Session(s.snapshot(), s.policy, 0.0)
    ssn.open_plugins()
    before = (ssn.nodes.used.copy(), ssn.nodes.future.copy(), ssn.nodes.pods.copy())
    job = ssn.jobs["default/a"]
    stmt = statement.Statement(ssn)
    first, second = sorted(job.tasks.values(), key=lambda t: t.uid)
    stmt.allocate(first, 0)
    stmt.pipeline(second, 1)
    assert job.ready_task_num() == 1 and job.is_pipelined()
    stmt.discard()
    assert all(np.array_equal(a, b) for a, b in zip(before, (ssn.nodes.used, ssn.nodes.future, ssn.nodes.pods)))
    assert job.count([jobs.TaskStatus.PENDING]) == 2 and first.node == "" and second.node == ""
    assert ssn.dispatched == []


@pytest.mark.parametrize(("total", "expected"), [(50, 50), (100, 100), (200, 100), (1000, 420), (10_000, 500)])
def test_nodes_to_find(total: int, expected: int) -> None:
    assert placement.nodes_to_find(total) == expected


def test_sampling_rotates_over_the_feasible_nodes() -> None:
    s = Scenario().nodes(*(node(f"n{i:04d}").cpu("1").memory("1Gi") for i in range(1000)))
    ssn = session.Session(s.snapshot(), s.policy, 0.0)
    feasible = np.ones(1000, dtype=np.bool_)
    feasible[::2] = False  # 500 feasible, 420 to find
    first = np.flatnonzero(placement.sample(ssn, feasible))
    assert (len(first), first[0], first[-1]) == (420, 1, 839)
    second = np.flatnonzero(placement.sample(ssn, feasible))
    # Picks up at 841, wraps around to 1 and stops after 420 nodes.
    assert (len(second), second[0], second[-1]) == (420, 1, 999)
    assert 841 in second and 681 not in second and ssn.next_node == 680


def test_queues_share_by_weight() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    s.queues(queue("big").weight(3), queue("small").weight(1))
    for q in ("big", "small"):
        s.groups(podgroup(q).queue(q).min_member(1))
        s.pods(*(pod(f"{q}-{i}").group(q).requests(cpu="1") for i in range(4)))
    bound = placements(s.run())
    assert sorted(bound) == ["default/big-0", "default/big-1", "default/big-2", "default/small-0"]


def test_queue_capability_caps_allocation() -> None:
    s = Scenario().nodes(node("n1").cpu("8").memory("8Gi")).queues(queue("q").capability(cpu="2"))
    s.groups(podgroup("a").queue("q").min_member(1))
    s.pods(*(pod(f"a-{i}").group("a").requests(cpu="1") for i in range(4)))
    result = s.run()
    assert len(placements(result)) == 2
    assert (result.reasons["default/a"].stage, result.reasons["default/a"].message) == ("queue", "queue q is overused")


def test_drf_favours_the_job_with_the_smaller_share() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    s.groups(podgroup("rich").min_member(1).phase("Running"), podgroup("poor").min_member(1).phase("Running"))
    s.pods(pod("rich-0").group("rich").requests(cpu="2").on("n1"), pod("rich-1").group("rich").requests(cpu="1"))
    s.pods(pod("poor-0").group("poor").requests(cpu="1"), pod("poor-1").group("poor").requests(cpu="1"))
    assert sorted(placements(s.run())) == ["default/poor-0", "default/poor-1"]


@pytest.mark.parametrize(
    ("statuses", "before", "after"),
    [
        (["Succeeded", "Succeeded"], "Running", "Completed"),
        (["Running", "Succeeded"], "Inqueue", "Running"),
        (["Failed", "Failed"], "Running", "Completed"),
    ],
)
def test_podgroup_phase(statuses: list[str], before: str, after: str) -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    s.groups(podgroup("g").min_member(2).phase(before))
    s.pods(*(pod(f"g-{i}").group("g").requests(cpu="1").on("n1", st) for i, st in enumerate(statuses)))
    assert phases(s.run())["default/g"] == after


def test_running_gang_that_lost_members_is_unknown() -> None:
    s = Scenario().nodes(node("n1").cpu("1").memory("8Gi"))
    s.groups(podgroup("g").min_member(2).phase("Running"))
    s.pods(pod("g-0").group("g").requests(cpu="1").on("n1"), pod("g-1").group("g").requests(cpu="1"))
    assert phases(s.run())["default/g"] == "Unknown"


def test_victims_intersect_within_the_first_voting_tier() -> None:
    hookset = hooks.HookSet(tiers=_two_tiers().tiers)
    a, b, c = object(), object(), object()
    hookset.add("preemptable", "priority", lambda _p, _c: ([a, b], PERMIT))
    hookset.add("preemptable", "gang", lambda _p, _c: ([b, c], PERMIT))
    hookset.add("preemptable", "drf", lambda _p, _c: ([c], PERMIT))  # tier 2 is not asked
    assert hookset.preemptable(None, [a, b, c]) == [b]  # type: ignore[arg-type, list-item]
    hookset.add("preemptable", "priority", lambda _p, _c: ([], ABSTAIN))
    hookset.add("preemptable", "gang", lambda _p, _c: ([], ABSTAIN))
    assert hookset.preemptable(None, [a, b, c]) == [c]  # type: ignore[arg-type, list-item]


def test_status_counts_are_reported_and_unchanged_status_is_not_rewritten() -> None:
    s = Scenario().nodes(node("n1").cpu("4").memory("8Gi"))
    group = podgroup("g").min_member(2).phase("Running")
    s.groups(group)
    s.pods(*(pod(f"g-{i}").group("g").requests(cpu="1").on("n1", st) for i, st in enumerate(["Running", "Succeeded", "Failed"])))
    [update] = s.run().podgroup_updates
    assert (update.phase, update.running, update.succeeded, update.failed) == ("Running", 1, 1, 1)
    stored = podgroup("g").min_member(2).phase("Running")
    stored._obj["status"].update(running=1, succeeded=1, failed=1, conditions=update.conditions)
    s._groups = [stored.obj()]
    assert s.run().podgroup_updates == []


def test_evict_frees_future_capacity_and_discard_undoes_it() -> None:
    s = Scenario().nodes(node("n1").cpu("2").memory("8Gi"))
    s.groups(podgroup("old").phase("Running"))
    s.pods(pod("old-0").group("old").requests(cpu="2").on("n1").resource_version(5))
    s.gang("new", 1, cpu="2")
    ssn = session.Session(s.snapshot(), s.policy, 0.0)
    ssn.open_plugins()
    victim = ssn.jobs["default/old"].tasks["default/old-0"]
    newcomer = ssn.jobs["default/new"].tasks["default/new-0"]
    stmt = statement.Statement(ssn)
    stmt.evict(victim, "preempted")
    assert victim.status is jobs.TaskStatus.RELEASING and placement.feasible_nodes(ssn, newcomer).any
    stmt.pipeline(newcomer, 0)
    stmt.discard()
    assert (victim.status.value, newcomer.status.value) == ("Running", "Pending")  # restored
    assert ssn.nodes.future.tolist() == [[0, 8 * 1024**3 * 1000]]
    stmt.evict(victim, "preempted")
    stmt.commit()
    assert [(e.name, e.resource_version, e.reason) for e in ssn.evictions] == [("old-0", 5, "preempted")]


def _victim_session(policy: conf.SchedulerConf | None = None) -> session.Session:
    s = Scenario(policy).nodes(node("n1").cpu("4").memory("8Gi")).priority_class("high", 1000)
    s.queues(queue("a"), queue("b"))
    s.groups(podgroup("low").min_member(2).phase("Running").queue("a"))
    s.pods(*(pod(f"low-{i}").group("low").requests(cpu="1").on("n1") for i in range(3)))
    critical = pod("crit").group("low").requests(cpu="1").on("n1")
    critical._obj["spec"]["priorityClassName"] = "system-node-critical"
    s.pods(critical)
    s.groups(podgroup("high").priority_class("high").queue("b"))
    s.pods(pod("high-0").group("high").requests(cpu="1"))
    ssn = session.Session(s.snapshot(), s.policy, 0.0)
    ssn.open_plugins()
    return ssn


def test_preemptable_victims_respect_priority_gang_and_criticality() -> None:
    ssn = _victim_session()
    low = sorted(ssn.jobs["default/low"].tasks.values(), key=lambda t: t.name)
    high = ssn.jobs["default/high"].tasks["default/high-0"]
    # priority: all four are lower; gang: only 4 - 2 = 2 may go; conformance: not "crit".
    assert [t.name for t in ssn.hooks.preemptable(high, low)] == ["low-0"]
    assert ssn.hooks.preemptable(low[0], [high]) == []  # a lower priority never preempts
    assert ssn.hooks.job_starving(ssn.jobs["default/high"]) and not ssn.hooks.job_starving(ssn.jobs["default/low"])


def test_reclaimable_takes_only_beyond_the_deserved_share() -> None:
    policy = conf.parse_conf('actions: "allocate"\ntiers:\n- plugins:\n  - name: proportion\n')
    ssn = _victim_session(policy)
    low = sorted(ssn.jobs["default/low"].tasks.values(), key=lambda t: t.name)
    high = ssn.jobs["default/high"].tasks["default/high-0"]
    # Queue a holds all 4 cpu; b asks for 1, so water-filling gives a 3: one task comes back.
    assert len(ssn.hooks.reclaimable(high, low)) == 1


def test_a_tier_that_says_no_victims_decides() -> None:
    # Volcano would ask tier 2 here; Basalt keeps gang's "none" so no gang drops below minMember.
    hookset = hooks.HookSet(tiers=_two_tiers().tiers)
    a = object()
    hookset.add("reclaimable", "gang", lambda _p, _c: ([], PERMIT))
    hookset.add("reclaimable", "drf", lambda _p, _c: ([a], PERMIT))
    assert hookset.reclaimable(None, [a]) == []  # type: ignore[arg-type, list-item]
