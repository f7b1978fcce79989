"""Actions, registered by name (Volcano's pkg/scheduler/actions, plus Basalt's reservation)."""

from services.scheduler.actions import allocate, backfill, enqueue, preempt, reclaim, reservation
from services.scheduler.framework import registry

registry.register_action(enqueue.Enqueue.name, enqueue.Enqueue)
registry.register_action(allocate.Allocate.name, allocate.Allocate)
registry.register_action(backfill.Backfill.name, backfill.Backfill)
registry.register_action(preempt.Preempt.name, preempt.Preempt)
registry.register_action(reclaim.Reclaim.name, reclaim.Reclaim)
registry.register_action(reservation.Reservation.name, reservation.Reservation)
