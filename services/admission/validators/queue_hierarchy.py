"""Hierarchical queues (``spec.parent``): Volcano's ``validateHierarchicalQueue`` and
``validateHierarchicalQueueResources``.

Each check stops at its first finding, as Volcano's does, so one bad parent does not cascade.
"""

from __future__ import annotations

from typing import Any

from services.admission.validators import causes, context, quantities
from services.admission.validators import queue_resources as res

Queue = dict[str, Any]


def is_top(parent: str) -> bool:
    return parent in ("", context.ROOT_QUEUE)


def validate(queue: Queue, old: Queue | None, ctx: context.AdmissionContext,
             options: context.Options) -> causes.Causes:
    if old is None or context.parent_of(old) != context.parent_of(queue):
        found = parent(queue, ctx, options)
        if found:
            return found
    if _resources_changed(queue, old):
        return resources(queue, ctx)
    return []


def parent(queue: Queue, ctx: context.AdmissionContext,
           options: context.Options) -> causes.Causes:
    name, parent_name = context.queue_name(queue), context.parent_of(queue)
    if is_top(parent_name):
        return []
    if parent_name == name:
        return [causes.invalid("spec.parent", f"queue {name} cannot use itself as parent")]
    found = _ancestry(name, parent_name, ctx, options)
    if found:
        return found
    parent_queue = ctx.get_queue(parent_name) or {}
    pods = quantities.parse(((parent_queue.get("status") or {}).get("allocated") or {}).get("pods", 0))
    if not context.children(ctx, parent_name) and pods:
        return [causes.forbidden(
            "spec.parent",
            f"queue {parent_name} cannot be the parent queue of queue {name} "
            f"because it has allocated Pods: {int(pods)}",
        )]
    return []


def _ancestry(name: str, parent_name: str, ctx: context.AdmissionContext,
              options: context.Options) -> causes.Causes:
    """Walk up from the new parent: every ancestor must exist, within the depth limit."""
    depth, current = 1, parent_name
    while not is_top(current):
        depth += 1
        if depth > options.max_queue_depth:
            return [causes.invalid(
                "spec.parent",
                f"queue {name} exceeds the maximum allowed depth of {options.max_queue_depth}",
            )]
        if current == name:
            # Volcano only notices a cycle through the depth limit; say what it is.
            return [causes.invalid("spec.parent",
                                   f"queue {name} cannot use its descendant {parent_name} as parent")]
        ancestor = ctx.get_queue(current)
        if ancestor is None:
            return [causes.not_found(
                "spec.parent",
                f"failed to get parent queue {current} of queue {name}: "
                f"{context.queue_not_found(current)}",
            )]
        current = context.parent_of(ancestor)
    return []


def _lists(queue: Queue) -> tuple[Any, Any, Any]:
    spec = queue.get("spec") or {}
    return spec.get("capability"), spec.get("deserved"), (spec.get("guarantee") or {}).get("resource")


def same_resources(a: Queue, b: Queue) -> bool:
    return all(quantities.parse_list(x) == quantities.parse_list(y)
               for x, y in zip(_lists(a), _lists(b)))


def _resources_changed(queue: Queue, old: Queue | None) -> bool:
    if context.queue_name(queue) == context.ROOT_QUEUE:
        return False
    if old is None:
        return True
    return context.parent_of(queue) != context.parent_of(old) or not same_resources(queue, old)


def resources(queue: Queue, ctx: context.AdmissionContext) -> causes.Causes:
    parent_name = context.parent_of(queue)
    if not is_top(parent_name):
        parent_queue = ctx.get_queue(parent_name)
        if parent_queue is None:
            return [causes.not_found(
                "spec.parent",
                f"parent queue {parent_name} not found: {context.queue_not_found(parent_name)}")]
        found = _against_ancestors(queue, ctx) or _siblings_sum(queue, parent_queue, ctx)
        if found:
            return found
    kids = context.children(ctx, context.queue_name(queue))
    return _children_constraints(queue, kids, ctx) if kids else []


def _capability(queue: Queue) -> res.Vector:
    return res.vector((queue.get("spec") or {}).get("capability"))


def _against_ancestors(queue: Queue, ctx: context.AdmissionContext) -> causes.Causes:
    own = _capability(queue)
    if not (queue.get("spec") or {}).get("capability"):
        return []
    for name in res.names(own):
        limit = _nearest_ancestor_capability(queue, name, ctx)
        if limit is not None and own[name] > limit:
            return [causes.invalid(
                f"spec.capability.{name}",
                f"queue {context.queue_name(queue)} capability[{name}]="
                f"{res.format_with_type(name, own[name])} exceeds its ancestor's "
                f"capability={res.format_with_type(name, limit)}",
            )]
    return []


def _nearest_ancestor_capability(queue: Queue, name: str,
                                 ctx: context.AdmissionContext) -> float | None:
    current, seen = context.parent_of(queue), set()
    while not is_top(current) and current not in seen:
        seen.add(current)
        ancestor = ctx.get_queue(current)
        if ancestor is None:
            return None
        value = _capability(ancestor).get(name, 0.0)
        if value > 0:
            return value
        current = context.parent_of(ancestor)
    return None


def _guarantee(queue: Queue) -> res.Vector:
    return res.vector(((queue.get("spec") or {}).get("guarantee") or {}).get("resource"))


def _deserved(queue: Queue) -> res.Vector:
    return res.vector((queue.get("spec") or {}).get("deserved"))


def _siblings_sum(queue: Queue, parent_queue: Queue,
                  ctx: context.AdmissionContext) -> causes.Causes:
    name = context.queue_name(queue)
    members = [q for q in context.children(ctx, context.queue_name(parent_queue))
               if context.queue_name(q) != name] + [queue]
    return _sum_within(members, parent_queue, f"parent queue {context.queue_name(parent_queue)}")


def _sum_within(members: list[Queue], parent_queue: Queue, who: str) -> causes.Causes:
    """Children's guarantees and deserved, summed, must fit the parent's (checked as they add up)."""
    limits = (("guarantee", "spec.guarantee.resource", _guarantee),
              ("deserved", "spec.deserved", _deserved))
    totals: dict[str, res.Vector] = {}
    for member in members:
        for label, field, of in limits:
            totals[label] = res.add(totals.get(label, {}), of(member))
            limit = of(parent_queue)
            if res.less_partly(limit, totals[label]):
                return [causes.invalid(
                    field,
                    f"{who} validation failed: sum of children's {label} "
                    f"({res.to_string(totals[label])}) exceeds parent's {label} limit "
                    f"({res.to_string(limit)})",
                )]
    return []


def _children_constraints(queue: Queue, kids: list[Queue],
                          ctx: context.AdmissionContext) -> causes.Causes:
    name = context.queue_name(queue)
    if (queue.get("spec") or {}).get("capability") is not None:
        own = _capability(queue)
        for resource in res.names(own):
            child_max = max(_subtree_max_capability(k, resource, ctx, set()) for k in kids)
            if own[resource] < child_max:
                return [causes.invalid(
                    f"spec.capability.{resource}",
                    f"queue {name} capability[{resource}]="
                    f"{res.format_with_type(resource, own[resource])} is smaller than its "
                    f"descendants' max capability={res.format_with_type(resource, child_max)}",
                )]
    return _sum_within(kids, queue, f"queue {name}")


def _subtree_max_capability(queue: Queue, resource: str, ctx: context.AdmissionContext,
                            seen: set[str]) -> float:
    value = _capability(queue).get(resource, 0.0)
    name = context.queue_name(queue)
    if value > 0 or name in seen:
        return value
    seen.add(name)
    return max((_subtree_max_capability(k, resource, ctx, seen)
                for k in context.children(ctx, name)), default=0.0)
