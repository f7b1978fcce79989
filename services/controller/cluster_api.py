"""ClusterService: which instances are live (from their leases), what each scheduler reports, nodes."""

from __future__ import annotations

import asyncio
import json

import grpc

from basalt.api import kinds, selectors
from basalt.rpc import server as rpc_server
from basalt.rpc import status
from basalt.store import extras, membership, objects
from basalt.v1 import scheduler_pb2, scheduler_pb2_grpc

STATUS_TIMEOUT = 2.0


class ClusterServicer(scheduler_pb2_grpc.ClusterServiceServicer):
    def __init__(self, store: objects.Store) -> None:
        self.store = store

    @status.unary
    async def Status(self, request: scheduler_pb2.ClusterStatusRequest,
                     ctx: grpc.aio.ServicerContext) -> scheduler_pb2.ClusterStatus:
        schedulers = await membership.live(self.store.redis, "scheduler")
        controllers = await membership.live(self.store.redis, "controller")
        nodes = await self.store.list_all(kinds.NODE)
        ready = await extras.live_members(self.store.redis, "node")
        ordered = sorted(schedulers.items())  # answers are matched to leases by position
        answers = await asyncio.gather(*(_ask(lease.address) for _, lease in ordered))
        return scheduler_pb2.ClusterStatus(
            schedulers=[_instance(name, lease, answer) for (name, lease), answer in zip(ordered, answers)],
            controllers=[_instance(name, lease, None) for name, lease in sorted(controllers.items())],
            nodes=len(nodes), ready_nodes=sum(1 for n in nodes if n["metadata"]["name"] in ready))

    @status.unary
    async def ListNodes(self, request: scheduler_pb2.ListNodesRequest,
                        ctx: grpc.aio.ServicerContext) -> scheduler_pb2.ListNodesResponse:
        match_labels = selectors.labels(request.label_selector)
        match_fields = selectors.fields(request.field_selector)
        page = await self.store.list(kinds.NODE)
        items = [json.dumps(n) for n in page.items if match_labels(n) and match_fields(n)]
        return scheduler_pb2.ListNodesResponse(items_json=items, resource_version=str(page.resource_version))


def _instance(name: str, lease: membership.Lease,
              answer: scheduler_pb2.SchedulerStatus | None) -> scheduler_pb2.InstanceStatus:
    out = scheduler_pb2.InstanceStatus(id=name, address=lease.address, lease_renewed=lease.renewed,
                                      metrics_address=lease.metrics)
    if answer is not None:
        out.scheduler.CopyFrom(answer)
    return out


async def _ask(address: str) -> scheduler_pb2.SchedulerStatus | None:
    if not address:
        return None
    try:
        async with rpc_server.channel(address) as ch:
            stub = scheduler_pb2_grpc.SchedulerServiceStub(ch)
            reply: scheduler_pb2.SchedulerStatus = await stub.Status(scheduler_pb2.SchedulerStatusRequest(),
                                                                     timeout=STATUS_TIMEOUT)
            return reply
    except grpc.RpcError:
        return None  # it may have just died; its lease will expire
