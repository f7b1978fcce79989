"""Garbage collection: what the owner-reference GC and pod-deletion grace do in Kubernetes.

Runs periodically over the informers' caches, so it also repairs anything a crash left behind:
pods and podgroups whose owning job (or, for a bare pod's PodGroup, pod) no longer exists,
and pods marked for deletion whose agent never confirmed they stopped (their resources are
released when they are removed).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import objects
from services.controller.reconcilers import jobs, podops
from services.controller.state import timestamps

Obj = dict[str, Any]
log = logging.getLogger("basalt.controller.gc")


class GarbageCollector:
    def __init__(self, store: objects.Store, reconciler: jobs.JobReconciler, grace_seconds: float) -> None:
        self.store = store
        self.reconciler = reconciler
        self.grace = dt.timedelta(seconds=grace_seconds)

    async def run_once(self) -> None:
        owners = {kinds.JOB.kind: {meta.uid(j) for j in self.reconciler.jobs.items()},
                  kinds.POD.kind: {meta.uid(p) for p in self.reconciler.pods.items()}}
        now = dt.datetime.now(dt.timezone.utc)
        for pod in self.reconciler.pods.items():
            if _orphan(pod, owners):
                await podops.delete_pod(self.store, pod)
            elif self._stuck(pod, now):
                log.warning("pod %s was not confirmed stopped within %s; removing it", meta.key(pod), self.grace)
                await podops.force_delete(self.store, pod)
        for group in self.reconciler.groups.items():
            if _orphan(group, owners):
                try:
                    await self.store.delete(kinds.PODGROUP, group, expect=meta.resource_version(group))
                except (errors.NotFound, errors.Conflict):
                    pass

    def _stuck(self, pod: Obj, now: dt.datetime) -> bool:
        since = timestamps.parse_time(str(meta.metadata(pod).get("deletionTimestamp") or ""))
        return since is not None and now - since > self.grace


def _orphan(obj: Obj, owners: dict[str, set[str]]) -> bool:
    """Owned by Jobs (or, for a bare pod's PodGroup, by a Pod) of which none exists any more."""
    refs = [r for r in meta.metadata(obj).get("ownerReferences") or [] if r.get("kind") in owners]
    return bool(refs) and all(r.get("uid") not in owners[str(r.get("kind"))] for r in refs)
