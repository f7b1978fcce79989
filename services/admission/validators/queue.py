"""Queue rules: Volcano's ``validate_queue.go`` (CREATE/UPDATE/DELETE) plus its CRD schema bounds."""

from __future__ import annotations

from typing import Any

from services.admission.validators import (
    causes,
    context,
    queue_hierarchy,
    quantities,
    shape,
)

HIERARCHY = "volcano.sh/hierarchy"
HIERARCHY_WEIGHTS = "volcano.sh/hierarchy-weights"
VALID_STATES = ("Open", "Closed")
MIN_WEIGHT, MAX_WEIGHT = 1, 65535
ROOT_FROZEN = "root queue's resource attributes (capability, deserved, guarantee) cannot be modified"

Queue = dict[str, Any]


def check_shape(queue: Queue) -> causes.Causes:
    out = shape.check(queue.get("spec"), "object", "spec")
    spec = shape.spec(queue)
    out += shape.check_fields(spec, {
        "weight": "integer", "capability": "object", "deserved": "object", "guarantee": "object",
        "reclaimable": "boolean", "parent": "string", "priority": "integer",
    }, "spec")
    out += shape.check(shape.as_dict(spec.get("guarantee")).get("resource"), "object",
                       "spec.guarantee.resource")
    out += shape.check(queue.get("status"), "object", "status")
    out += shape.check(shape.as_dict(queue.get("status")).get("state"), "string", "status.state")
    return out


def validate(queue: Queue, old: Queue | None, ctx: context.AdmissionContext,
             options: context.Options) -> causes.Causes:
    """CREATE (``old`` is None) or UPDATE."""
    out = _weight(shape.spec(queue))
    quantity_causes = _quantities(shape.spec(queue))
    out += quantity_causes
    out += _state(queue)
    out += hierarchy_annotations(queue, ctx)
    if old is not None and options.enable_root_queue_protection:
        out += _root_frozen(queue, old)
    if not quantity_causes:
        out += queue_hierarchy.validate(queue, old, ctx, options)
    return out


def _weight(spec: dict[str, Any]) -> causes.Causes:
    weight = shape.as_int(spec.get("weight"))
    if weight < MIN_WEIGHT:
        return [causes.minimum("spec.weight", MIN_WEIGHT)]
    if weight > MAX_WEIGHT:
        return [causes.maximum("spec.weight", MAX_WEIGHT)]
    return []


def _quantities(spec: dict[str, Any]) -> causes.Causes:
    """Volcano's ``validateResourceQuantityOfQueue``: guarantee <= deserved <= capability."""
    capability, deserved = spec.get("capability"), spec.get("deserved")
    guarantee = shape.as_dict(spec.get("guarantee")).get("resource")
    out = quantities.check_list(capability, "spec.capability")
    out += quantities.check_list(deserved, "spec.deserved")
    out += quantities.check_list(guarantee, "spec.guarantee.resource")
    raw_deserved, raw_capability = shape.as_dict(deserved), shape.as_dict(capability)
    parsed_deserved = quantities.parse_list(deserved)
    parsed_capability = quantities.parse_list(capability)
    for name, floor in quantities.parse_list(guarantee).items():
        shown = quantities.shown(shape.as_dict(guarantee)[name])
        if name not in raw_deserved:
            out.append(causes.invalid(f"spec.deserved.{name}",
                                      f"deserved[{name}] must be >= guarantee[{name}]={shown}"))
        elif name in parsed_deserved and parsed_deserved[name] < floor:
            out.append(causes.invalid(
                f"spec.deserved.{name}",
                f"deserved[{name}]={quantities.shown(raw_deserved[name])} must be >= "
                f"guarantee[{name}]={shown}",
            ))
    for name, amount in parsed_deserved.items():
        if name in parsed_capability and amount > parsed_capability[name]:
            out.append(causes.invalid(
                f"spec.deserved.{name}",
                f"deserved[{name}]={quantities.shown(raw_deserved[name])} must be <= "
                f"capability[{name}]={quantities.shown(raw_capability[name])}",
            ))
    return out


def _state(queue: Queue) -> causes.Causes:
    state = context.queue_state(queue)
    if not state or state in VALID_STATES:
        return []
    return [causes.invalid("status.state", "queue state must be in [Open Closed]")]


def hierarchy_annotations(queue: Queue, ctx: context.AdmissionContext) -> causes.Causes:
    """Volcano's ``validateHierarchicalAttributes`` (the annotation-based hierarchy)."""
    annotations = shape.as_dict(shape.as_dict(queue.get("metadata")).get("annotations"))
    hierarchy = str(annotations.get(HIERARCHY) or "")
    weights = str(annotations.get(HIERARCHY_WEIGHTS) or "")
    if not hierarchy and not weights:
        return []
    field = "metadata.annotations"
    if len(hierarchy.split("/")) != len(weights.split("/")):
        return [causes.invalid(field, f"{HIERARCHY} must have the same length with {HIERARCHY_WEIGHTS}")]
    for weight in weights.split("/"):
        try:
            number = float(weight)
        except ValueError:
            return [causes.invalid(field, f'{weight} in the {weights} is invalid number: strconv.ParseFloat: parsing "{weight}": invalid syntax')]
        if number <= 0:
            return [causes.invalid(field, f"{weight} in the {weights} must be larger than 0")]
    name = context.queue_name(queue)
    for other in ctx.list_queues():
        theirs = str(((other.get("metadata") or {}).get("annotations") or {}).get(HIERARCHY) or "")
        if theirs and context.queue_name(other) != name and theirs.startswith(hierarchy + "/"):
            return [causes.invalid(field, f"{hierarchy} is not allowed to be in the sub path of "
                                          f"{theirs} of queue {context.queue_name(other)}")]
    return []


def _root_frozen(queue: Queue, old: Queue) -> causes.Causes:
    if context.queue_name(queue) != context.ROOT_QUEUE or queue_hierarchy.same_resources(queue, old):
        return []
    return [causes.forbidden("spec", ROOT_FROZEN)]


def validate_delete(name: str, ctx: context.AdmissionContext,
                    options: context.Options) -> causes.Causes:
    """Volcano's ``validateQueueDeleting``."""
    if name in (context.DEFAULT_QUEUE, context.ROOT_QUEUE):
        return [causes.forbidden("metadata.name", f"`{name}` queue can not be deleted")]
    queue = ctx.get_queue(name)
    if queue is None:
        return [causes.not_found("metadata.name", context.queue_not_found(name))]
    allocated = shape.as_dict(shape.as_dict(queue.get("status")).get("allocated"))
    pods = quantities.parse(allocated.get("pods", 0)) or 0
    if options.enable_queue_allocated_pods_check and pods:
        return [causes.forbidden(
            "metadata.name",
            f"queue {name} cannot be deleted because it has allocated Pods: {int(pods)}")]
    kids = [context.queue_name(q) for q in context.children(ctx, name)]
    if kids:
        return [causes.forbidden(
            "metadata.name",
            f"queue {name} can not be deleted because it has {len(kids)} child queues: "
            f"{', '.join(kids)}",
        )]
    return []
