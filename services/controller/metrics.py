"""The controller's metrics: its share of the ring of controllers and how fast it takes over.

A takeover here is the step that re-queues every job after a member was lost, so the duration
runs from the lost member's lease expiry to the moment its jobs are queued on this instance.
"""

from __future__ import annotations

from basalt import metrics
from basalt.api import meta
from basalt.store import membership
from services.controller.reconcilers import jobs


class ControllerMetrics:
    def __init__(self, registry: metrics.Metrics, ring: membership.Membership,
                 reconciler: jobs.JobReconciler) -> None:
        self.takeovers = 0
        registry.gauge_of("basalt.controller.ring.members", lambda: len(ring.view.members),
                          "Live controller instances in the ring, this one included")
        registry.gauge_of("basalt.controller.owned.jobs",
                          lambda: sum(1 for job in reconciler.jobs.items() if ring.owns(meta.key(job))),
                          "Jobs the ring gives this instance")
        registry.counter_of("basalt.controller.takeovers", lambda: self.takeovers,
                            "Ring changes that lost a member, whose jobs this instance re-queued")
        self._duration = registry.seconds("basalt.controller.takeover.duration",
                                          "Lease expiry of a lost member to its jobs re-queued here")

    def took_over(self, seconds: float) -> None:
        self.takeovers += 1
        self._duration.record(seconds)
