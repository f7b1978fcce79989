"""Hierarchical DRF (drf with enableHierarchy), after Volcano's hdrf_test.go."""

from __future__ import annotations

import pytest

from services.scheduler import conf as conf_mod
from services.scheduler.framework import snapshot
from services.scheduler.plugins import hdrf
from tests.unit.scheduler.scheduler_builders import Scenario, node, placements, pod, podgroup, queue


def _policy(hierarchy: bool) -> conf_mod.SchedulerConf:
    return conf_mod.parse_conf(
        f"""
actions: "allocate"
tiers:
- plugins:
  - {{name: drf, enableHierarchy: {str(hierarchy).lower()}}}
  - {{name: gang}}
  - {{name: predicates}}
"""
    )


def _rescaling(hierarchy: bool) -> Scenario:
    s = Scenario(_policy(hierarchy)).nodes(node("n").cpu("10").memory("10Gi").pods(50))
    for name, path, weights in (
        ("root-sci", "root/sci", "100/50"),
        ("root-eng-dev", "root/eng/dev", "100/50/50"),
        ("root-eng-prod", "root/eng/prod", "100/50/50"),
    ):
        s.queues(queue(name).annotate(snapshot.HIERARCHY, path).annotate(snapshot.HIERARCHY_WEIGHTS, weights))
    for group, q, cpu, memory in (("pg1", "root-sci", "1", "1Gi"), ("pg21", "root-eng-dev", "1", "0"), ("pg22", "root-eng-prod", "0", "1Gi")):
        s.groups(podgroup(group).queue(q).min_member(0))
        s.pods(*(pod(f"{group}-{i}").group(group).requests(cpu=cpu, memory=memory) for i in range(10)))
    return s


def _counts(s: Scenario) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in placements(s.run()):
        group = name.split("/")[1].rsplit("-", 1)[0]
        out[group] = out.get(group, 0) + 1
    return out


def test_hierarchy_rescales_children() -> None:
    # sci and eng split the cluster; inside eng, dev (cpu only) and prod (memory only) are
    # rescaled to the smaller one, so eng counts as one cpu+memory user like sci. The ideal is
    # 5/5/5 (Volcano's test lists it but never fails); ties between sci and eng go by queue
    # name (root-eng-* first), which lets dev and prod take one more each before cpu runs out.
    assert _counts(_rescaling(True)) == {"pg1": 4, "pg21": 6, "pg22": 6}


def test_without_hierarchy_sci_starves() -> None:
    assert _counts(_rescaling(False)) == {"pg21": 10, "pg22": 10}


def test_tree_compares_along_paths_with_weights() -> None:
    tree = hdrf.Tree({"cpu": 10.0})
    tree.total_allocated = {"cpu": 4.0}
    tree.set_job("a", {"cpu": 2.0}, {"cpu": 10.0}, "root/a", "1/1")
    tree.set_job("b", {"cpu": 2.0}, {"cpu": 10.0}, "root/b", "1/2")
    # Equal shares, b weighs twice as much: b goes first.
    assert tree.compare("root/b", "root/a") < 0
    tree.set_job("b", {"cpu": 10.0}, {"cpu": 10.0}, "root/b", "1/2")
    # b holds all it asks for: saturated, so it goes last whatever its share.
    assert tree.compare("root/a", "root/b") < 0


@pytest.mark.parametrize("plugin", ["capacity", "proportion"])
def test_enable_hierarchy_refused_where_not_ported(plugin: str) -> None:
    with pytest.raises(conf_mod.ConfError, match="enableHierarchy is only supported by drf"):
        conf_mod.parse_conf(f'actions: "allocate"\ntiers:\n- plugins:\n  - {{name: {plugin}, enableHierarchy: true}}')


@pytest.mark.parametrize("hierarchy, evicted", [(True, ["default/hog-3"]), (False, [])])
def test_hdrf_chooses_reclaim_victims(hierarchy: bool, evicted: list[str]) -> None:
    policy = conf_mod.parse_conf(
        f"""
actions: "allocate, reclaim"
tiers:
- plugins:
  - {{name: drf, enableHierarchy: {str(hierarchy).lower()}}}
  - {{name: gang, enableReclaimable: false}}
  - {{name: predicates}}
"""
    )
    s = Scenario(policy).nodes(node("n").cpu("4").memory("8Gi"))
    for name in ("a", "b"):
        s.queues(queue(name).annotate(snapshot.HIERARCHY, f"root/{name}").annotate(snapshot.HIERARCHY_WEIGHTS, "1/1"))
    s.groups(podgroup("hog").queue("b").min_member(1).phase("Running"))
    s.pods(*(pod(f"hog-{i}").group("hog").requests(cpu="1").on("n") for i in range(4)))
    s.groups(podgroup("want").queue("a").min_member(1))
    s.pods(pod("want-0").group("want").requests(cpu="1"))
    assert sorted(f"{e.namespace}/{e.name}" for e in s.run().evictions) == evicted
