"""The agent's side of the controller's NodeService, with the retries the agent relies on.

Status reports and log chunks are retried while the controller is unreachable (a terminal status
must never be lost); any other refusal is logged and treated as "not accepted".
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import grpc

from basalt.api import meta
from basalt.v1 import nodes_pb2, nodes_pb2_grpc
from services.agent import backoff

log = logging.getLogger("basalt.agent.link")

CALL_TIMEOUT = 10.0
# Codes that mean "not now", not "no": the controller is away, slow, or lost a write race
# (it answers ABORTED when a pod kept changing under its compare-and-set). CANCELLED is here
# because a controller shutting down cancels calls in flight; our own cancellations surface as
# asyncio.CancelledError instead, so they never loop.
TRANSIENT = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                       grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.ABORTED,
                       grpc.StatusCode.CANCELLED})
# Reports and log chunks in flight at once. Thousands of simultaneous calls on one grpc.aio channel
# get cancelled wholesale (seen with 1500 unary calls), and a fake agent finishing thousands of pods
# together would do exactly that.
MAX_IN_FLIGHT = 256


def is_transient(exc: grpc.RpcError) -> bool:
    code = exc.code() if isinstance(exc, grpc.aio.AioRpcError) else None
    return code in TRANSIENT


class Link:
    def __init__(self, channel: grpc.aio.Channel, agent_id: str) -> None:
        # The generated stub is untyped; Any keeps mypy --strict honest about where that ends.
        self._stub: Any = cast(Any, nodes_pb2_grpc).NodeServiceStub(channel)
        self.agent_id = agent_id
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def register(self, nodes: list[meta.Obj]) -> list[str]:
        """Present the nodes; the names the controller accepted (ours when it echoes none)."""
        request = nodes_pb2.RegisterRequest(agent_id=self.agent_id, nodes_json=[json.dumps(n) for n in nodes])
        reply = await self._stub.Register(request, timeout=CALL_TIMEOUT)
        return list(reply.node_names) or [meta.name(n) for n in nodes]

    async def heartbeat(self, node_names: list[str]) -> None:
        request = nodes_pb2.HeartbeatRequest(agent_id=self.agent_id, node_names=node_names)
        await self._stub.Heartbeat(request, timeout=CALL_TIMEOUT)

    async def assignments(self, node_names: list[str]) -> AsyncIterator[nodes_pb2.Assignment]:
        """The assignment stream until the controller ends it; errors propagate to the caller."""
        call = self._stub.WatchAssignments(nodes_pb2.WatchAssignmentsRequest(agent_id=self.agent_id,
                                                                             node_names=node_names))
        try:
            async for assignment in call:
                yield assignment
        finally:
            call.cancel()

    async def report(self, report: nodes_pb2.PodStatusReport) -> bool:
        what = f"status {report.phase} of {report.namespace}/{report.name}"
        return await self._retrying(what, lambda: self._stub.ReportPodStatus(report, timeout=CALL_TIMEOUT))

    async def append_log(self, pod: meta.Obj, data: bytes) -> bool:
        chunk = nodes_pb2.LogChunk(namespace=meta.namespace(pod), name=meta.name(pod), uid=meta.uid(pod), data=data)
        return await self._retrying(f"log of {meta.key(pod)}",
                                    lambda: self._stub.AppendLog(chunk, timeout=CALL_TIMEOUT))

    async def _retrying(self, what: str, call: Callable[[], Awaitable[Any]]) -> bool:
        """``accepted`` of the first answer, retrying with backoff while the controller is away."""
        delays = backoff.Backoff()
        while True:
            try:
                async with self._in_flight:
                    reply = await call()
            except grpc.aio.AioRpcError as exc:
                if not is_transient(exc):
                    log.error("controller refused %s: %s %s", what, exc.code().name, exc.details())
                    return False
                log.debug("controller unavailable for %s (%s); retrying", what, exc.code().name)
                await delays.wait()  # outside the semaphore: a waiting retry holds no slot
            else:
                return bool(reply.accepted)
