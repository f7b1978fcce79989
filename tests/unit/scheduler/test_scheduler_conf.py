"""The policy file: Volcano's YAML shape, Volcano's default, and loud errors for typos."""

from __future__ import annotations

import pytest

from services.scheduler import conf

FULL = """
actions: "enqueue, allocate, backfill"
tiers:
- plugins:
  - name: priority
  - name: gang
    enableJobOrder: false
  - name: conformance
- plugins:
  - name: overcommit
    arguments:
      overcommit-factor: 1.5
  - name: drf
    enablePreemptable: false
  - name: predicates
    arguments:
      predicate.GPUSharingEnable: false
  - name: proportion
  - name: nodeorder
    arguments:
      leastrequested.weight: 2
  - name: binpack
    arguments:
      binpack.resources: nvidia.com/gpu
      binpack.resources.nvidia.com/gpu: 3
configurations:
- name: allocate
  arguments:
    predicateErrorCacheEnable: false
"""


def test_default_conf_is_volcanos_default() -> None:
    default = conf.DEFAULT_CONF
    assert default.actions == ("enqueue", "allocate", "backfill")
    assert [[p.name for p in t.plugins] for t in default.tiers] == [
        ["priority", "gang", "conformance"],
        ["overcommit", "drf", "predicates", "proportion", "nodeorder"],
    ]
    assert all(p.disabled == frozenset() and dict(p.arguments) == {} for t in default.tiers for p in t.plugins)


def test_full_policy_parses() -> None:
    parsed = conf.parse_conf(FULL)
    gang = parsed.tiers[0].plugins[1]
    assert not gang.enabled("job_order") and gang.enabled("job_ready")
    assert parsed.tiers[1].plugins[0].arguments == {"overcommit-factor": 1.5}
    assert parsed.action_arguments("allocate") == {"predicateErrorCacheEnable": False}
    assert parsed.action_arguments("backfill") == {}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('actions: "enqueue, allocat"\ntiers: []', "'allocat'"),
        ('actions: "allocate"\ntiers:\n- plugins:\n  - name: gangg', "'gangg'"),
        (
            'actions: "allocate"\ntiers:\n- plugins:\n  - name: binpack\n    arguments: {binpack.wieght: 1}',
            "'binpack.wieght'",
        ),
        (
            'actions: "allocate"\ntiers:\n- plugins:\n  - name: overcommit\n    arguments: {factor: 2}',
            "'factor'",
        ),
        ('actions: "allocate"\ntiers:\n- plugins:\n  - name: gang\n    enableJobOrdr: true', "'enableJobOrdr'"),
        ('actions: "allocate"\ntiers: []\nconfigurations:\n- name: preemptx', "'preemptx'"),
        ('actions: "allocate"\ntierz: []', "tierz"),
        ("actions: [allocate]", "actions"),
        ("- just a list", "mapping"),
        ("actions: 'allocate'\ntiers: [", "YAML"),
    ],
)
def test_errors_name_the_offender(text: str, names: str) -> None:
    with pytest.raises(conf.ConfError, match=names.replace(".", r"\.").replace("[", r"\[")):
        conf.parse_conf(text)


def test_disabled_switch_turns_the_hook_off() -> None:
    from tests.unit.scheduler.scheduler_builders import Scenario, node, podgroup

    text = """
actions: "enqueue, allocate"
tiers:
- plugins:
  - name: priority
    enableJobOrder: false
  - name: gang
  - name: predicates
"""
    s = Scenario(conf.parse_conf(text)).nodes(node("n1").cpu("2").memory("8Gi")).priority_class("high", 1000)
    s.gang("old", 2, cpu="1", group=podgroup("old").created("2025-01-01T00:00:00Z"))
    s.gang("high", 2, cpu="1", group=podgroup("high").priority_class("high"))
    assert {b.podgroup_name for b in s.run().binds} == {"old"}


NEW_PLUGINS = """
actions: "enqueue, allocate, preempt, reclaim, reservation, backfill"
tiers:
- plugins:
  - name: priority
  - name: gang
  - name: conformance
  - name: sla
    arguments: {sla-waiting-time: 1h}
- plugins:
  - name: drf
  - name: predicates
    arguments: {predicate.NodePortsEnable: true, predicate.PodAffinityEnable: false}
  - name: capacity
    arguments: {ancestorReclaimLevel: 1, capacity.DynamicResourceAllocationEnable: false}
  - name: nodeorder
    arguments: {podaffinity.weight: 2}
configurations:
- name: reservation
  arguments: {reservation.waitSeconds: 60, reservation.maxGangs: 2}
- name: preempt
  arguments: {predicateErrorCacheEnable: false}
"""


def test_new_actions_and_plugins_parse() -> None:
    parsed = conf.parse_conf(NEW_PLUGINS)
    assert parsed.actions == ("enqueue", "allocate", "preempt", "reclaim", "reservation", "backfill")
    assert parsed.tiers[0].plugins[3].arguments == {"sla-waiting-time": "1h"}
    assert parsed.action_arguments("reservation") == {"reservation.waitSeconds": 60, "reservation.maxGangs": 2}


@pytest.mark.parametrize(
    ("plugin", "argument"),
    [("sla", "sla-waiting"), ("capacity", "capacity.Foo"), ("predicates", "predicate.PodAffinity")],
)
def test_unknown_arguments_of_new_plugins_are_refused(plugin: str, argument: str) -> None:
    text = f'actions: "allocate"\ntiers:\n- plugins:\n  - name: {plugin}\n    arguments: {{{argument}: 1}}'
    with pytest.raises(conf.ConfError, match=f"'{argument}'"):
        conf.parse_conf(text)
