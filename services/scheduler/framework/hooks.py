"""Per-point plugin hooks and how tiers combine them (Volcano's session_plugins.go).

Plugins register functions by plugin name; the session walks tiers in order and, inside a tier,
plugins in order, skipping plugins whose switch for that point is off. The combining rules:

- orders (job, queue, task): the first non-zero comparison wins, then a fixed fallback;
- predicates, job ready, allocatable: all must agree (AND); overused: any (OR);
- job pipelined, job enqueueable: votes. A Reject anywhere refuses; a tier with a Permit decides
  (later tiers are not asked); if nobody votes the answer is yes;
- node scores: summed over every plugin of every tier;
- victims (preemptable, reclaimable): voters of the first tier with a voter intersect their lists
  (a voter's "none" is final: see HookSet._victims);
- preemptive (may this queue reclaim for these tasks?): all must agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from services.scheduler.framework import jobs, nodes, snapshot

if TYPE_CHECKING:
    from services.scheduler import conf as conf_mod

PERMIT = 1
ABSTAIN = 0
REJECT = -1

QueueInfo = snapshot.QueueRecord
Compare = Callable[[Any, Any], int]
# A predicate returns, for one task, (reason, failing-nodes mask) pairs; a node fails with the
# first reason whose mask holds it.
# Preemptable/reclaimable: (preemptor, candidates) -> (victims, vote).
VictimsFn = Callable[[jobs.TaskInfo, list[jobs.TaskInfo]], tuple[list[jobs.TaskInfo], int]]
PredicateFn = Callable[[jobs.TaskInfo, nodes.NodeMatrix], list[tuple[str, nodes.Mask]]]
NodeOrderFn = Callable[[jobs.TaskInfo, nodes.NodeMatrix, nodes.Indices], nodes.Scores]


@dataclass(frozen=True)
class ValidateResult:
    passed: bool
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class EventHandler:
    """Called when a task takes (allocate, pipeline) or gives back (discard) resources."""

    allocate: Callable[[jobs.TaskInfo], None] | None = None
    deallocate: Callable[[jobs.TaskInfo], None] | None = None


@dataclass
class HookSet:
    tiers: tuple[conf_mod.Tier, ...]
    fns: dict[str, dict[str, Any]] = field(default_factory=dict)
    event_handlers: list[EventHandler] = field(default_factory=list)
    # Resolved hook lists per (point, switch); comparators run O(n log n) times per action.
    _cache: dict[tuple[str, str | None], list[Any]] = field(default_factory=dict)

    def add(self, point: str, plugin: str, fn: Any) -> None:
        self.fns.setdefault(point, {})[plugin] = fn
        self._cache.clear()

    def add_event_handler(self, handler: EventHandler) -> None:
        self.event_handlers.append(handler)

    def _tier_fns(self, point: str, switch: str | None) -> Iterator[list[Any]]:
        registered = self.fns.get(point, {})
        for tier in self.tiers:
            yield [
                registered[p.name]
                for p in tier.plugins
                if p.name in registered and (switch is None or p.enabled(switch))
            ]

    def _all(self, point: str, switch: str | None = None) -> list[Any]:
        key = (point, switch)
        if key not in self._cache:
            self._cache[key] = [fn for tier in self._tier_fns(point, switch) for fn in tier]
        return self._cache[key]

    # Orders: the first plugin with an opinion decides.
    def _compare(self, point: str, left: Any, right: Any) -> int:
        for fn in self._all(point, point):
            result = int(fn(left, right))
            if result:
                return result
        return 0

    def job_order(self, left: jobs.JobInfo, right: jobs.JobInfo) -> int:
        return self._compare("job_order", left, right) or _fallback(
            (left.creation, left.uid), (right.creation, right.uid)
        )

    def queue_order(self, left: QueueInfo, right: QueueInfo) -> int:
        return self._compare("queue_order", left, right) or _fallback(
            (left.creation, left.name), (right.creation, right.name)
        )

    def task_order(self, left: jobs.TaskInfo, right: jobs.TaskInfo) -> int:
        return self._compare("task_order", left, right) or _fallback(
            (left.creation, left.uid), (right.creation, right.uid)
        )

    # All must agree.
    def job_ready(self, job: jobs.JobInfo) -> bool:
        return all(fn(job) for fn in self._all("job_ready", "job_ready"))

    def allocatable(self, queue: QueueInfo, task: jobs.TaskInfo) -> bool:
        return all(fn(queue, task) for fn in self._all("allocatable", "allocatable"))

    def job_valid(self, job: jobs.JobInfo) -> ValidateResult | None:
        for fn in self._all("job_valid"):
            result: ValidateResult | None = fn(job)
            if result is not None and not result.passed:
                return result
        return None

    def predicate_failures(
        self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, rows: nodes.Rows
    ) -> list[tuple[str, nodes.Mask]]:
        """(reason, failing) pairs; each mask is over ``rows`` only, not over every node."""
        out: list[tuple[str, nodes.Mask]] = []
        for fn in self._all("predicate", "predicate"):
            out.extend(fn(task, matrix, rows))
        return out

    def preemptive(self, queue: QueueInfo, tasks: list[jobs.TaskInfo]) -> bool:
        return all(fn(queue, tasks) for fn in self._all("preemptive", "preemptive"))

    # Any one is enough.
    def overused(self, queue: QueueInfo) -> bool:
        return any(fn(queue) for fn in self._all("overused", "overused"))

    # Votes.
    def _vote(self, point: str, switch: str, obj: Any) -> bool:
        for tier in self._tier_fns(point, switch):
            permitted = False
            for fn in tier:
                vote = int(fn(obj))
                if vote < 0:
                    return False
                permitted = permitted or vote > 0
            if permitted:
                return True
        return True

    def job_pipelined(self, job: jobs.JobInfo) -> bool:
        return self._vote("job_pipelined", "job_pipelined", job)

    def job_enqueueable(self, job: jobs.JobInfo) -> bool:
        return self._vote("job_enqueueable", "job_enqueued", job)

    def job_enqueued(self, job: jobs.JobInfo) -> None:
        for fn in self._all("job_enqueued", "job_enqueued"):
            fn(job)

    # Victims: within a tier, the plugins that vote intersect their victim lists; the first tier
    # with a voter decides (Volcano's Preemptable/Reclaimable). For preempt and reclaim.
    def _victims(self, point: str, preemptor: jobs.TaskInfo, candidates: list[jobs.TaskInfo]) -> list[jobs.TaskInfo]:
        for tier in self._tier_fns(point, point):
            victims: list[jobs.TaskInfo] | None = None
            for fn in tier:
                chosen, vote = fn(preemptor, candidates)
                if vote == ABSTAIN:
                    continue
                if not chosen:
                    victims = []
                    break
                if victims is None:
                    victims = list(chosen)
                else:
                    kept = {id(c) for c in chosen}
                    victims = [v for v in victims if id(v) in kept]
            # Unlike Volcano (whose nil slice lets the next tier decide after a voter said
            # "none"), a tier that voted decides, even for no victims: otherwise a later tier
            # (proportion, drf) could take a task gang refused, breaking a gang below minMember.
            if victims is not None:
                return victims
        return []

    def job_starving(self, job: jobs.JobInfo) -> bool:
        """Does the job still want resources (preempt's trigger)? The first tier with an opinion
        decides, and every plugin in it must agree; with no opinion at all, no."""
        for tier in self._tier_fns("job_starving", "job_starving"):
            if tier:
                return all(fn(job) for fn in tier)
        return False

    def preemptable(self, preemptor: jobs.TaskInfo, candidates: list[jobs.TaskInfo]) -> list[jobs.TaskInfo]:
        return self._victims("preemptable", preemptor, candidates)

    def reclaimable(self, reclaimer: jobs.TaskInfo, candidates: list[jobs.TaskInfo]) -> list[jobs.TaskInfo]:
        return self._victims("reclaimable", reclaimer, candidates)

    # Scores add up.
    def node_scores(self, task: jobs.TaskInfo, matrix: nodes.NodeMatrix, candidates: nodes.Indices) -> nodes.Scores:
        total = np.zeros(len(candidates), dtype=np.float64)
        for fn in self._all("node_order", "node_order"):
            total += fn(task, matrix, candidates)
        return total

    def fire_allocate(self, task: jobs.TaskInfo) -> None:
        for handler in self.event_handlers:
            if handler.allocate is not None:
                handler.allocate(task)

    def fire_deallocate(self, task: jobs.TaskInfo) -> None:
        for handler in self.event_handlers:
            if handler.deallocate is not None:
                handler.deallocate(task)


def _fallback(left: tuple[str, str], right: tuple[str, str]) -> int:
    # Volcano falls back to creation time then UID; keys here are unique, so the order is total.
    return -1 if left < right else (1 if left > right else 0)
