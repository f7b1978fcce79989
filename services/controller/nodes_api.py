"""NodeService: agents register nodes, heartbeat, receive their pods and report on them."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc

from basalt import errors
from basalt.api import kinds, meta, resources
from basalt.rpc import status
from basalt.store import accounting, extras, objects
from basalt.v1 import nodes_pb2, nodes_pb2_grpc
from services.controller import objects_api, pods_status
from services.controller.materialize.plugins import svc

Obj = dict[str, Any]
log = logging.getLogger("basalt.controller.nodes")
NODE_LEASE_SECONDS = 15.0


class NodeServicer(nodes_pb2_grpc.NodeServiceServicer):
    def __init__(self, store: objects.Store, side: extras.Extras) -> None:
        self.store = store
        self.side = side

    @status.unary
    async def Register(self, request: nodes_pb2.RegisterRequest, ctx: grpc.aio.ServicerContext) -> nodes_pb2.RegisterResponse:
        names = []
        for text in request.nodes_json:
            node = objects_api.decode_object(text)
            await self._upsert_node(node)
            await extras.touch_lease(self.store.redis, "node", meta.name(node), NODE_LEASE_SECONDS, request.agent_id)
            names.append(meta.name(node))
        log.info("agent %s registered nodes %s", request.agent_id, ", ".join(names))
        return nodes_pb2.RegisterResponse(node_names=names)

    async def _upsert_node(self, node: Obj) -> None:
        allocatable = resources.from_quantities((node.get("status") or {}).get("allocatable"))
        await self.side.set_allocatable(meta.name(node), allocatable)
        existing = await self.store.get(kinds.NODE, "", meta.name(node))
        if existing is None:
            await self.store.create(kinds.NODE, node)
            return
        existing["status"] = node.get("status") or {}
        meta.metadata(existing)["labels"] = meta.labels(node)
        await self.store.update(kinds.NODE, existing)

    @status.unary
    async def Heartbeat(self, request: nodes_pb2.HeartbeatRequest, ctx: grpc.aio.ServicerContext) -> nodes_pb2.HeartbeatResponse:
        for name in request.node_names:
            await extras.touch_lease(self.store.redis, "node", name, NODE_LEASE_SECONDS, request.agent_id)
        return nodes_pb2.HeartbeatResponse()

    @status.stream
    async def WatchAssignments(self, request: nodes_pb2.WatchAssignmentsRequest,
                               ctx: grpc.aio.ServicerContext) -> AsyncIterator[nodes_pb2.Assignment]:
        nodes = set(request.node_names)
        running: dict[str, str] = {}  # uid -> the plugin files it was last sent with
        while True:
            page = await self.store.list(kinds.POD)
            for pod in page.items:
                if _on(pod, nodes) and accounting.hold(pod) is not None and not _deleting(pod):
                    running[meta.uid(pod)] = _files(pod)
                    yield _assignment(nodes_pb2.Assignment.RUN, pod)
            try:
                async for event in self.store.watch(kinds.POD, page.resource_version, block_ms=1000):
                    for item in _changes(event, nodes, running):
                        yield item
            except errors.Gone:
                continue  # relist: the agent treats a repeated RUN of a known uid as a no-op

    @status.unary
    async def ReportPodStatus(self, request: nodes_pb2.PodStatusReport, ctx: grpc.aio.ServicerContext) -> nodes_pb2.ReportResponse:
        for _ in range(10):  # CAS retries against concurrent writers (the job controller, the scheduler)
            pod = await self.store.get(kinds.POD, request.namespace, request.name)
            if pod is None or meta.uid(pod) != request.uid:
                return nodes_pb2.ReportResponse(accepted=False)
            updated = pods_status.apply_report(pod, request.phase, request.exit_code, request.reason,
                                               request.message, objects.now_iso())
            try:
                if updated is not None:
                    await self.store.update(kinds.POD, updated, old=pod)
                    pod = updated
                if _deleting(pod) and accounting.hold(pod) is None:
                    await self.store.delete(kinds.POD, pod, expect=meta.resource_version(pod))
                return nodes_pb2.ReportResponse(accepted=True)
            except errors.Conflict:
                continue
        raise errors.Conflict(f"pod {request.namespace}/{request.name} kept changing; report again")

    @status.unary
    async def AppendLog(self, request: nodes_pb2.LogChunk, ctx: grpc.aio.ServicerContext) -> nodes_pb2.ReportResponse:
        await self.side.append_log(request.namespace, request.name, request.uid, request.data)
        return nodes_pb2.ReportResponse(accepted=True)


def _on(pod: Obj, nodes: set[str]) -> bool:
    return (pod.get("spec") or {}).get("nodeName") in nodes


def _deleting(pod: Obj) -> bool:
    return bool((pod.get("metadata") or {}).get("deletionTimestamp"))


def _changes(event: objects.Event, nodes: set[str], running: dict[str, str]) -> list[nodes_pb2.Assignment]:
    pod, uid = event.object, meta.uid(event.object)
    if not _on(pod, nodes):
        return []
    if event.type == "DELETED" or _deleting(pod):
        if uid in running:
            running.pop(uid, None)
            return [_assignment(nodes_pb2.Assignment.KILL, pod)]
        return []
    if accounting.hold(pod) is None:
        running.pop(uid, None)  # finished: nothing to run or kill
        return []
    if running.get(uid) != _files(pod):
        # New, or its job was scaled and its host files changed: a repeated RUN of a running
        # uid tells the agent to rewrite the pod's files (it does not start the pod again).
        running[uid] = _files(pod)
        return [_assignment(nodes_pb2.Assignment.RUN, pod)]
    return []


def _files(pod: Obj) -> str:
    return meta.annotations_of(pod).get(svc.HOSTS_ANNOTATION, "")


def _assignment(kind: int, pod: Obj) -> nodes_pb2.Assignment:
    return nodes_pb2.Assignment(type=kind, pod_json=json.dumps(pod))  # type: ignore[arg-type]
