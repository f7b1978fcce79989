"""Actions, registered by name (Volcano's pkg/scheduler/actions)."""

from services.scheduler.actions import allocate, backfill, enqueue
from services.scheduler.framework import registry

registry.register_action(enqueue.Enqueue.name, enqueue.Enqueue)
registry.register_action(allocate.Allocate.name, allocate.Allocate)
registry.register_action(backfill.Backfill.name, backfill.Backfill)
