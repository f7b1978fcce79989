"""Plugins, registered by name with the arguments they accept (Volcano's plugins/factory.go)."""

from services.scheduler.framework import registry
from services.scheduler.plugins import (
    binpack,
    capacity,
    conformance,
    drf,
    gang,
    nodeorder,
    overcommit,
    predicates,
    priority,
    proportion,
    sla,
)

for _spec in (
    registry.PluginSpec(priority.NAME, priority.Priority),
    registry.PluginSpec(gang.NAME, gang.Gang),
    registry.PluginSpec(conformance.NAME, conformance.Conformance),
    registry.PluginSpec(overcommit.NAME, overcommit.Overcommit, frozenset({overcommit.FACTOR})),
    registry.PluginSpec(drf.NAME, drf.Drf),
    registry.PluginSpec(predicates.NAME, predicates.Predicates, predicates.ARGUMENTS, predicates.ARGUMENT_PREFIXES),
    registry.PluginSpec(proportion.NAME, proportion.Proportion),
    registry.PluginSpec(nodeorder.NAME, nodeorder.NodeOrder, nodeorder.ARGUMENTS),
    registry.PluginSpec(binpack.NAME, binpack.Binpack, binpack.ARGUMENTS, binpack.ARGUMENT_PREFIXES),
    registry.PluginSpec(capacity.NAME, capacity.Capacity, capacity.ARGUMENTS),
    registry.PluginSpec(sla.NAME, sla.Sla, sla.ARGUMENTS),
):
    registry.register_plugin(_spec)
