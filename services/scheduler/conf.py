"""The scheduler policy: Volcano's YAML shape, so a Volcano user's configuration ports as is.

```yaml
actions: "enqueue, allocate, backfill"
tiers:
- plugins:
  - name: priority
  - name: binpack
    enableNodeOrder: true
    arguments: {binpack.weight: 10}
configurations:
- name: allocate
  arguments: {predicateErrorCacheEnable: true}
```

Unlike Go's lenient YAML decoding, an unknown action, plugin, switch or plugin argument is refused
with a ``ConfError`` naming it: a typo in a policy should fail loudly, not schedule differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from services.scheduler.framework import registry

# YAML switch key -> hook point it enables (pkg/scheduler/conf/scheduler_conf.go, spelled as there:
# some keys are "enableXxx", others "enabledXxx").
SWITCHES: dict[str, str] = {
    "enableJobOrder": "job_order",
    "enableHierarchy": "hierarchy",
    "enableJobReady": "job_ready",
    "enableJobPipelined": "job_pipelined",
    "enableTaskOrder": "task_order",
    "enablePreemptable": "preemptable",
    "enableReclaimable": "reclaimable",
    "enablePreemptive": "preemptive",
    "enableQueueOrder": "queue_order",
    "enabledClusterOrder": "cluster_order",
    "enablePredicate": "predicate",
    "enableBestNode": "best_node",
    "enableNodeOrder": "node_order",
    "enableTargetJob": "target_job",
    "enableReservedNodes": "reserved_nodes",
    "enableJobEnqueued": "job_enqueued",
    "enabledVictim": "victim",
    "enableJobStarving": "job_starving",
    "enabledOverused": "overused",
    "enabledAllocatable": "allocatable",
    "enabledHyperNodeOrder": "hypernode_order",
    "enabledSubJobReady": "subjob_ready",
    "enabledSubJobPipelined": "subjob_pipelined",
    "enabledSubJobOrder": "subjob_order",
    "enabledHyperNodeGradient": "hypernode_gradient",
}

# Volcano's default policy (pkg/scheduler/util.go DefaultSchedulerConf).
DEFAULT_CONF_YAML = """\
actions: "enqueue, allocate, backfill"
tiers:
- plugins:
  - name: priority
  - name: gang
  - name: conformance
- plugins:
  - name: overcommit
  - name: drf
  - name: predicates
  - name: proportion
  - name: nodeorder
"""


# Plugins that implement enableHierarchy: true.
HIERARCHICAL = ("drf",)


class ConfError(ValueError):
    """A scheduler policy that cannot be used; the message names the offending entry."""


@dataclass(frozen=True)
class PluginOption:
    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    # Hook points switched off; every point is enabled unless its switch says false (Volcano's
    # ApplyPluginConfDefaults sets every nil switch to true).
    disabled: frozenset[str] = frozenset()
    # enableHierarchy is the one switch that is off unless set (Volcano's HierarchyEnabled).
    hierarchy: bool = False

    def enabled(self, point: str) -> bool:
        return point not in self.disabled


@dataclass(frozen=True)
class Tier:
    plugins: tuple[PluginOption, ...]


@dataclass(frozen=True)
class Configuration:
    """Per-action arguments (``configurations: [{name: allocate, arguments: {...}}]``)."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SchedulerConf:
    actions: tuple[str, ...]
    tiers: tuple[Tier, ...]
    configurations: tuple[Configuration, ...] = ()

    def action_arguments(self, action: str) -> Mapping[str, Any]:
        for configuration in self.configurations:
            if configuration.name == action:
                return configuration.arguments
        return {}


def parse_conf(text: str) -> SchedulerConf:
    """Parse and validate a policy in Volcano's YAML shape."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfError(f"scheduler configuration is not valid YAML: {err}") from err
    if not isinstance(raw, dict):
        raise ConfError("scheduler configuration must be a mapping with 'actions' and 'tiers'")
    unknown = sorted(set(raw) - {"actions", "tiers", "configurations", "metrics"})
    if unknown:
        raise ConfError(f"unknown scheduler configuration field(s): {', '.join(unknown)}")
    registry.ensure_loaded()
    conf = SchedulerConf(
        actions=_parse_actions(raw.get("actions")),
        tiers=tuple(_parse_tier(i, t) for i, t in enumerate(_list(raw.get("tiers"), "tiers"))),
        configurations=tuple(_parse_configuration(c) for c in _list(raw.get("configurations"), "configurations")),
    )
    return conf


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfError(f"'{what}' must be a list")
    return value


def _parse_actions(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str) or not value.strip():
        raise ConfError("'actions' must be a comma-separated string such as \"enqueue, allocate, backfill\"")
    names = tuple(part.strip() for part in value.split(","))
    for name in names:
        if name not in registry.ACTIONS:
            raise ConfError(f"failed to find Action {name!r}; known actions: {', '.join(sorted(registry.ACTIONS))}")
    return names


def _parse_tier(index: int, value: Any) -> Tier:
    if not isinstance(value, dict) or set(value) - {"plugins"}:
        raise ConfError(f"tiers[{index}] must be a mapping with only 'plugins'")
    plugins = _list(value.get("plugins"), f"tiers[{index}].plugins")
    return Tier(plugins=tuple(_parse_plugin(f"tiers[{index}].plugins[{i}]", p) for i, p in enumerate(plugins)))


def _parse_plugin(path: str, value: Any) -> PluginOption:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise ConfError(f"{path} must be a mapping with a 'name'")
    name = value["name"]
    spec = registry.PLUGINS.get(name)
    if spec is None:
        raise ConfError(f"{path}: unknown plugin {name!r}; known plugins: {', '.join(sorted(registry.PLUGINS))}")
    disabled: set[str] = set()
    hierarchy = False
    for key, switch in value.items():
        if key in ("name", "arguments"):
            continue
        if key not in SWITCHES:
            raise ConfError(f"{path} ({name}): unknown field {key!r}")
        if not isinstance(switch, bool):
            raise ConfError(f"{path} ({name}): {key} must be true or false")
        if key == "enableHierarchy":
            if switch and name not in HIERARCHICAL:
                # Hierarchical capacity/proportion are not ported; refusing beats silently
                # scheduling differently.
                raise ConfError(f"{path} ({name}): enableHierarchy is only supported by {', '.join(HIERARCHICAL)}")
            hierarchy = switch
            continue
        if not switch:
            disabled.add(SWITCHES[key])
    arguments = value.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise ConfError(f"{path} ({name}): 'arguments' must be a mapping")
    for argument in arguments:
        if not spec.accepts(str(argument)):
            raise ConfError(f"{path}: unknown argument {argument!r} for plugin {name!r}")
    return PluginOption(
        name=name,
        arguments={str(k): v for k, v in arguments.items()},
        disabled=frozenset(disabled),
        hierarchy=hierarchy,
    )


def _parse_configuration(value: Any) -> Configuration:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise ConfError("each 'configurations' entry must be a mapping with a 'name'")
    name = value["name"]
    if name not in registry.ACTIONS:
        raise ConfError(f"configurations: unknown action {name!r}")
    arguments = value.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise ConfError(f"configurations ({name}): 'arguments' must be a mapping")
    return Configuration(name=name, arguments={str(k): v for k, v in arguments.items()})


def default_conf() -> SchedulerConf:
    return DEFAULT_CONF


DEFAULT_CONF: SchedulerConf = parse_conf(DEFAULT_CONF_YAML)
