"""The controller behind the gateway: one gRPC channel, its stubs, and the one place where a
failed call becomes a Basalt error (``basalt.rpc.status.from_rpc_error``, no second mapping)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
from aiohttp import web

from basalt import errors
from basalt.rpc import server as rpc_server
from basalt.rpc import status as rpc_status
from basalt.v1 import jobs_pb2_grpc, scheduler_pb2_grpc
from services.gateway import status

T = TypeVar("T")


class Backend:
    def __init__(self, target: str, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self.channel = rpc_server.channel(target)
        stubs: Any = jobs_pb2_grpc  # generated code is untyped
        self.jobs: Any = stubs.JobServiceStub(self.channel)
        self.pods: Any = stubs.PodServiceStub(self.channel)
        self.podgroups: Any = stubs.PodGroupServiceStub(self.channel)
        self.queues: Any = stubs.QueueServiceStub(self.channel)
        self.commands: Any = stubs.CommandServiceStub(self.channel)
        self.priority_classes: Any = stubs.PriorityClassServiceStub(self.channel)
        self.nodes: Any = stubs.NodeReadServiceStub(self.channel)
        cluster: Any = scheduler_pb2_grpc
        self.cluster: Any = cluster.ClusterServiceStub(self.channel)

    async def call(self, method: Callable[..., Awaitable[T]], request: Any,
                   subject: status.Subject | None = None) -> T:
        """Await one unary call; a failure is raised as a ``status.Failure`` about ``subject``."""
        try:
            return await method(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            raise status.Failure(self.error(exc), subject) from None

    def error(self, exc: grpc.RpcError) -> errors.BasaltError:
        # Our own deadline expiring means the controller did not answer: for the client that is
        # the controller being unavailable (503), not a fault of the gateway (500).
        if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
            return errors.Unavailable(f"the controller at {self.target} did not answer within "
                                      f"{self.timeout:g}s")
        return rpc_status.from_rpc_error(exc)

    async def ready(self) -> bool:
        return await rpc_server.check_health(self.target)

    async def close(self) -> None:
        await self.channel.close()


KEY = web.AppKey("backend", Backend)


def of(request: web.Request) -> Backend:
    return request.app[KEY]
