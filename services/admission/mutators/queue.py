"""Queue defaults: Volcano's ``queues/mutate`` webhook on CREATE, plus the state its controller sets.

Volcano's queue controller opens a new queue (``status.state: Open``) straight after creation;
Basalt sets it here so a queue is usable the moment it is stored.
"""

from __future__ import annotations

import copy
from typing import Any

from services.admission.validators import context, shape

HIERARCHY = "volcano.sh/hierarchy"
HIERARCHY_WEIGHTS = "volcano.sh/hierarchy-weights"
DEFAULT_WEIGHT = 1


def default(queue: dict[str, Any]) -> dict[str, Any]:
    """A defaulted deep copy of ``queue``."""
    out = copy.deepcopy(queue)
    spec = out.setdefault("spec", {})
    if spec.get("reclaimable") is None:
        spec["reclaimable"] = True
    if not shape.as_int(spec.get("weight")):
        spec["weight"] = DEFAULT_WEIGHT
    status = out.setdefault("status", {})
    if not status.get("state"):
        status["state"] = context.OPEN
    _root_hierarchy(shape.as_dict(out.get("metadata")).get("annotations"))
    return out


def schema_defaults(queue: dict[str, Any]) -> dict[str, Any]:
    """The CRD schema's defaults, which the API server applies on every write (UPDATE too)."""
    out = copy.deepcopy(queue)
    out.setdefault("spec", {}).setdefault("weight", DEFAULT_WEIGHT)
    return out


def _root_hierarchy(annotations: Any) -> None:
    """Prefix the hierarchy annotations with the root node when the user left it out."""
    if not isinstance(annotations, dict):
        return
    hierarchy = str(annotations.get(HIERARCHY) or "")
    weights = str(annotations.get(HIERARCHY_WEIGHTS) or "")
    if hierarchy and weights and not hierarchy.startswith(context.ROOT_QUEUE):
        annotations[HIERARCHY] = f"{context.ROOT_QUEUE}/{hierarchy}"
        annotations[HIERARCHY_WEIGHTS] = f"1/{weights}"
