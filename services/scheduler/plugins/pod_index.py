"""Which pods sit on which node, kept current through the session (for predicates that look at
other pods: host ports, pod affinity). Built only when a pod in the snapshot needs it.

Pods outside any PodGroup come from the snapshot; tasks follow the session's allocate/deallocate
events. An evicted task (Releasing) still occupies its node, as its pod still runs. Pods are
also indexed by label pair, so a selector with ``matchLabels`` looks only at pods that carry
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from services.scheduler.framework import hooks, jobs, session

Pod = Mapping[str, Any]


@dataclass(frozen=True)
class Placed:
    uid: str
    namespace: str
    node: str
    labels: Mapping[str, str]
    pod: Pod


def pod_labels(pod: Pod) -> dict[str, str]:
    return {str(k): str(v) for k, v in ((pod.get("metadata") or {}).get("labels") or {}).items()}


class PodIndex:
    def __init__(
        self, ssn: session.Session, keep: Callable[[Pod], bool], mark: Callable[[Pod], bool] | None = None
    ) -> None:
        """Index only the pods ``keep`` accepts (e.g. those with host ports); ``marked`` lists
        the ones ``mark`` accepts (e.g. those with anti-affinity terms) without a scan."""
        self._keep = keep
        self._mark = mark
        self.by_uid: dict[str, Placed] = {}
        self._marked: dict[str, Placed] = {}
        self._by_label: dict[tuple[str, str], set[str]] = {}
        for record in ssn.snapshot.pods:
            if record.node and record.status not in jobs.COMPLETED and keep(record.pod):
                self._add(record.uid, record.namespace, record.node, record.pod)
        ssn.hooks.add_event_handler(hooks.EventHandler(allocate=self._on_allocate, deallocate=self._on_deallocate))

    def _add(self, uid: str, namespace: str, node: str, pod: Pod) -> None:
        self._remove(uid)
        placed = Placed(uid, namespace, node, pod_labels(pod), pod)
        self.by_uid[uid] = placed
        if self._mark is not None and self._mark(pod):
            self._marked[uid] = placed
        for pair in placed.labels.items():
            self._by_label.setdefault(pair, set()).add(uid)

    def _remove(self, uid: str) -> None:
        placed = self.by_uid.pop(uid, None)
        self._marked.pop(uid, None)
        if placed is not None:
            for pair in placed.labels.items():
                self._by_label[pair].discard(uid)

    def _on_allocate(self, task: jobs.TaskInfo) -> None:
        if task.node and self._keep(task.pod):
            self._add(task.uid, task.namespace, task.node, task.pod)

    def _on_deallocate(self, task: jobs.TaskInfo) -> None:
        if task.status is not jobs.TaskStatus.RELEASING:
            self._remove(task.uid)

    def with_labels(self, wanted: Mapping[str, str]) -> Iterable[Placed]:
        """Pods carrying every label pair of ``wanted`` (all pods when it is empty), uid order."""
        if not wanted:
            return iter(self)
        sets = sorted((self._by_label.get((str(k), str(v)), set()) for k, v in wanted.items()), key=len)
        uids = set(sets[0]).intersection(*sets[1:])
        return [self.by_uid[u] for u in sorted(uids)]

    def marked(self) -> Iterable[Placed]:
        return list(self._marked.values())

    def __iter__(self) -> Iterator[Placed]:
        return iter(self.by_uid.values())

    def __bool__(self) -> bool:
        return bool(self.by_uid)
