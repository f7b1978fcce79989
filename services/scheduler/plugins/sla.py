"""sla: jobs that waited past their SLA go first and are admitted (Volcano's plugins/sla).

Argument ``sla-waiting-time`` (a Go duration, e.g. ``1h30m``) applies to every job; a PodGroup
annotation ``sla-waiting-time`` overrides it per job. Job order: jobs with a waiting time first,
earlier deadline (creationTimestamp + waiting time) first. Enqueue and pipelined votes: Permit
once a job has waited its time (so it is admitted even over quota votes of later tiers),
otherwise abstain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import arguments, durations, hooks, jobs, session

NAME = "sla"
WAITING_TIME = "sla-waiting-time"
ARGUMENTS = frozenset({WAITING_TIME})


class Sla:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        seconds = durations.parse_go_duration(arguments.get_str(args, WAITING_TIME, ""))
        self.waiting = seconds if seconds is not None and seconds > 0 else None

    def on_session_open(self, ssn: session.Session) -> None:
        ssn.hooks.add("job_order", NAME, self._job_order)
        ssn.hooks.add("job_enqueueable", NAME, lambda job: self._permit(ssn, job))
        ssn.hooks.add("job_pipelined", NAME, lambda job: self._permit(ssn, job))

    def _wait(self, job: jobs.JobInfo) -> float | None:
        return job.sla_waiting_seconds if job.sla_waiting_seconds is not None else self.waiting

    def _deadline(self, job: jobs.JobInfo) -> float | None:
        wait = self._wait(job)
        created = durations.parse_timestamp(job.creation)
        return None if wait is None or created is None else created + wait

    def _job_order(self, left: jobs.JobInfo, right: jobs.JobInfo) -> int:
        ldeadline, rdeadline = self._deadline(left), self._deadline(right)
        if ldeadline is None or rdeadline is None:
            return 0 if ldeadline is None and rdeadline is None else (1 if ldeadline is None else -1)
        return -1 if ldeadline < rdeadline else (1 if ldeadline > rdeadline else 0)

    def _permit(self, ssn: session.Session, job: jobs.JobInfo) -> int:
        deadline = self._deadline(job)
        if deadline is None or ssn.now < deadline:
            return hooks.ABSTAIN
        return hooks.PERMIT

    def on_session_close(self, ssn: session.Session) -> None:
        pass
