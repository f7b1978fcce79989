"""Node order: spreading by default (leastrequested, balanced), packing with binpack; name tie-break."""

from __future__ import annotations

from services.scheduler import conf
from tests.unit.scheduler.scheduler_builders import Scenario, node, placements, pod, podgroup

BINPACK = """
actions: "enqueue, allocate, backfill"
tiers:
- plugins:
  - name: priority
  - name: gang
- plugins:
  - name: predicates
  - name: proportion
  - name: binpack
    arguments:
      binpack.weight: 10
      binpack.resources: nvidia.com/gpu
      binpack.resources.nvidia.com/gpu: 5
"""


def _cluster(s: Scenario) -> Scenario:
    s.nodes(node("n1").cpu("8").memory("16Gi").gpu(4), node("n2").cpu("8").memory("16Gi").gpu(4))
    return s.pods(pod("busy").requests(cpu="4", memory="8Gi", gpu=2).on("n2"))


def test_default_policy_spreads_to_the_emptier_node() -> None:
    s = _cluster(Scenario()).gang("a", 1, cpu="1", memory="1Gi", gpu=1)
    assert placements(s.run()) == {"default/a-0": "n1"}


def test_binpack_fills_the_busier_node() -> None:
    s = _cluster(Scenario(conf.parse_conf(BINPACK))).gang("a", 1, cpu="1", memory="1Gi", gpu=1)
    assert placements(s.run()) == {"default/a-0": "n2"}


def test_binpack_packs_a_gang_onto_one_node() -> None:
    s = Scenario(conf.parse_conf(BINPACK)).nodes(*(node(f"n{i}").cpu("4").memory("8Gi") for i in range(3)))
    s.gang("a", 4, cpu="1", memory="1Gi")
    assert set(placements(s.run()).values()) == {"n0"}


def test_default_policy_spreads_a_gang() -> None:
    s = Scenario().nodes(*(node(f"n{i}").cpu("4").memory("8Gi") for i in range(2)))
    s.gang("a", 2, cpu="1", memory="1Gi")
    assert sorted(placements(s.run()).values()) == ["n0", "n1"]


def test_equal_scores_break_ties_by_node_name() -> None:
    s = Scenario().nodes(node("zeta").cpu("4").memory("8Gi"), node("alpha").cpu("4").memory("8Gi"))
    s.gang("a", 1, cpu="1")
    assert placements(s.run()) == {"default/a-0": "alpha"}


def test_prefer_no_schedule_taints_are_avoided_when_possible() -> None:
    s = Scenario().nodes(node("a").cpu("4").memory("8Gi").taint("spot", "yes", "PreferNoSchedule"))
    s.nodes(node("b").cpu("4").memory("8Gi"))
    s.gang("x", 1, cpu="1")
    assert placements(s.run()) == {"default/x-0": "b"}
    tolerant = Scenario().nodes(node("a").cpu("4").memory("8Gi").taint("spot", "yes", "PreferNoSchedule"))
    tolerant.nodes(node("b").cpu("4").memory("8Gi"))
    tolerant.groups(podgroup("x")).pods(pod("x-0").group("x").requests(cpu="1").toleration("spot", "yes", "PreferNoSchedule"))
    assert placements(tolerant.run()) == {"default/x-0": "a"}  # tie broken by name


def test_preferred_node_affinity_attracts() -> None:
    s = Scenario().nodes(node("a").cpu("4").memory("8Gi"), node("b").cpu("4").memory("8Gi").label("disk", "ssd"))
    p = pod("x-0").group("x").requests(cpu="1")
    p._obj["spec"]["affinity"] = {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 10, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}}
            ]
        }
    }
    s.groups(podgroup("x")).pods(p)
    assert placements(s.run()) == {"default/x-0": "b"}
