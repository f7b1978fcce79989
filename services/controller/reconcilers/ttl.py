"""``ttlSecondsAfterFinished``: finished jobs are deleted that long after they finished.

Volcano's garbage collector re-reads the job before deleting it, so a job restarted meanwhile
survives; here the delete is compare-and-set on the version that was judged expired.
"""

from __future__ import annotations

import datetime as dt
import logging

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import informer, objects
from services.controller.state import ttl

log = logging.getLogger("basalt.controller.ttl")


class TTLCollector:
    def __init__(self, store: objects.Store, jobs: informer.Informer) -> None:
        self.store = store
        self.jobs = jobs

    async def run_once(self) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        for job in self.jobs.items():
            if not ttl.expired(job, now):
                continue
            try:
                await self.store.delete(kinds.JOB, job, expect=meta.resource_version(job))
                log.info("job %s deleted: ttlSecondsAfterFinished passed", meta.key(job))
            except (errors.NotFound, errors.Conflict):
                pass  # gone already, or changed since: judged again on the next round
