"""SchedulerService.Status: what this instance has done and which share it holds."""

from __future__ import annotations

import grpc

from basalt.v1 import scheduler_pb2, scheduler_pb2_grpc
from services.scheduler import loop


class SchedulerServicer(scheduler_pb2_grpc.SchedulerServiceServicer):
    def __init__(self, scheduler: loop.SchedulerLoop) -> None:
        self.scheduler = scheduler

    async def Status(self, request: scheduler_pb2.SchedulerStatusRequest,
                     ctx: grpc.aio.ServicerContext) -> scheduler_pb2.SchedulerStatus:
        s, sched = self.scheduler.stats, self.scheduler
        return scheduler_pb2.SchedulerStatus(
            instance_id=sched.instance_id, sessions=s.sessions, pods_bound=s.pods_bound,
            commit_conflicts=s.commit_conflicts, last_session_seconds=s.last_session_seconds,
            members=list(sched.members.view.members), owned_podgroups=sched.owned_podgroups,
            commits=s.commits, last_takeover_seconds=sched.takeover.last_seconds,
            sessions_skipped=s.sessions_skipped)
