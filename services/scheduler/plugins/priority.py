"""priority: higher-priority jobs and tasks first (PriorityClass values; Volcano's plugins/priority)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.scheduler.framework import hooks, jobs, session

NAME = "priority"


def _higher_first(left: int, right: int) -> int:
    return -1 if left > right else (1 if left < right else 0)


class Priority:
    name = NAME

    def __init__(self, args: Mapping[str, Any]) -> None:
        del args

    def on_session_open(self, ssn: session.Session) -> None:
        def job_order(left: jobs.JobInfo, right: jobs.JobInfo) -> int:
            return _higher_first(left.priority, right.priority)

        def task_order(left: jobs.TaskInfo, right: jobs.TaskInfo) -> int:
            return _higher_first(left.priority, right.priority)

        def preemptable(preemptor: jobs.TaskInfo, preemptees: list[jobs.TaskInfo]) -> tuple[list[jobs.TaskInfo], int]:
            # Across jobs the job priority decides; inside one job, the task priority.
            mine = ssn.job_of(preemptor)
            victims = [
                t
                for t in preemptees
                if (t.priority < preemptor.priority if t.job == preemptor.job else ssn.job_of(t).priority < mine.priority)
            ]
            return victims, hooks.PERMIT

        ssn.hooks.add("job_order", NAME, job_order)
        ssn.hooks.add("task_order", NAME, task_order)
        ssn.hooks.add("preemptable", NAME, preemptable)

    def on_session_close(self, ssn: session.Session) -> None:
        pass
