"""The scheduler's metrics: its share of the ring, commits and conflicts, takeovers, sessions.

Counts already kept for ``Status`` (``commit.Stats``) are observed at scrape time, so the hot
path keeps its plain integer increments; durations are histograms recorded as they happen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from basalt import metrics

if TYPE_CHECKING:
    from services.scheduler import loop


class SchedulerMetrics:
    def __init__(self, registry: metrics.Metrics, scheduler: loop.SchedulerLoop) -> None:
        stats = scheduler.stats
        count = registry.counter_of
        count("basalt.scheduler.sessions", lambda: stats.sessions, "Sessions run")
        count("basalt.scheduler.sessions.skipped", lambda: stats.sessions_skipped,
              "Sessions skipped as idle: no owned group waiting or changed")
        count("basalt.scheduler.commits", lambda: stats.commits, "Gang and eviction commits attempted")
        count("basalt.scheduler.commit.conflicts", lambda: stats.commit_conflicts,
              "Commits refused by the store because another instance changed what they planned from")
        count("basalt.scheduler.pods.bound", lambda: stats.pods_bound, "Pods bound by this instance")
        count("basalt.scheduler.evictions", lambda: stats.evictions, "Pods evicted by preempt or reclaim")
        count("basalt.scheduler.takeovers", lambda: scheduler.takeover.takeovers,
              "Shares of lost members first scheduled here")
        registry.gauge_of("basalt.scheduler.ring.members", lambda: len(scheduler.members.view.members),
                          "Live scheduler instances in the ring, this one included")
        registry.gauge_of("basalt.scheduler.owned.podgroups", lambda: scheduler.owned_podgroups,
                          "Waiting PodGroups the ring gives this instance")
        self.takeover = registry.seconds("basalt.scheduler.takeover.duration",
                                         "Lease expiry of a lost member to the first bind of its share here")
        self.session = registry.seconds("basalt.scheduler.session.duration", "One session, open to commit")
