"""``AsyncClient``: one gRPC channel to the controller and a handle per kind."""

from __future__ import annotations

from types import TracebackType

from basalt.api import kinds as basalt_kinds
from basalt.client import actions, objects
from basalt.rpc import server as rpc_server
from basalt.v1 import jobs_pb2_grpc, scheduler_pb2_grpc


class AsyncClient:
    """``jobs``, ``queues``, ``pods``, ``podgroups``, ``commands`` and ``cluster`` (nodes, status)
    over the controller at ``target`` (host:port). Use as ``async with AsyncClient(target) as api:``
    or call ``close()``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.channel = rpc_server.channel(target)
        stubs = jobs_pb2_grpc
        self.pods = actions.Pods(basalt_kinds.POD, stubs.PodServiceStub(self.channel))
        self.jobs = actions.Jobs(stubs.JobServiceStub(self.channel), self.pods)
        self.queues = actions.Queues(basalt_kinds.QUEUE, stubs.QueueServiceStub(self.channel))
        self.podgroups = objects.Objects(basalt_kinds.PODGROUP, stubs.PodGroupServiceStub(self.channel))
        self.commands = objects.Objects(basalt_kinds.COMMAND, stubs.CommandServiceStub(self.channel))
        self.cluster = actions.Cluster(scheduler_pb2_grpc.ClusterServiceStub(self.channel))

    async def close(self) -> None:
        await self.channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()
