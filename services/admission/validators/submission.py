"""Where work may be submitted: an existing, Open, leaf queue that is not ``root``."""

from __future__ import annotations

from services.admission.validators import causes, context


def job_queue(ctx: context.AdmissionContext, name: str, field: str) -> causes.Causes:
    """Volcano's queue checks in ``validateJobCreate``."""
    queue = ctx.get_queue(name)
    if queue is None:
        return [causes.not_found(field, f"unable to find job queue: {context.queue_not_found(name)}")]
    out: causes.Causes = []
    state = context.queue_state(queue)
    if state != context.OPEN:
        out.append(causes.invalid(
            field,
            f"can only submit job to queue with state `Open`, queue `{name}` status is `{state}`",
        ))
    if name == context.ROOT_QUEUE:
        out.append(causes.forbidden(field, "can not submit job to root queue"))
        return out
    child_count = len(context.children(ctx, name))
    if child_count:
        out.append(causes.forbidden(
            field,
            f"can only submit job to leaf queue, queue `{name}` has {child_count} child queues",
        ))
    return out


def podgroup_queue(ctx: context.AdmissionContext, name: str, field: str) -> causes.Causes:
    """Volcano's ``checkQueueState`` for PodGroups."""
    if not name:
        return []
    queue = ctx.get_queue(name)
    if queue is None:
        return [causes.not_found(field, f"unable to find queue: {context.queue_not_found(name)}")]
    state = context.queue_state(queue)
    if state != context.OPEN:
        return [causes.invalid(
            field,
            f"can only submit PodGroup to queue with state `Open`, queue `{name}` status is `{state}`.",
        )]
    return []


# Kubernetes' built-in classes exist without a stored object.
SYSTEM_PRIORITY_CLASSES = frozenset({"system-node-critical", "system-cluster-critical"})


def priority_class(ctx: context.AdmissionContext, name: str, field: str) -> causes.Causes:
    """Kubernetes' Priority admission plugin refuses a pod naming a class that does not exist."""
    if not name or name in SYSTEM_PRIORITY_CLASSES or ctx.get_priority_class(name) is not None:
        return []
    return [causes.not_found(field, f"no PriorityClass with name {name} was found")]
