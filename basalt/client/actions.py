"""What some kinds add to the shared verbs: job actions, explain and logs; queue open/close;
pod logs. Pods and PodGroups are read-only for clients."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format

from basalt.api import kinds as basalt_kinds
from basalt.client import calls, objects
from basalt.v1 import common_pb2, jobs_pb2, scheduler_pb2

Obj = objects.Obj


class Jobs(objects.Objects):
    def __init__(self, stub: Any, pods: Pods) -> None:
        super().__init__(basalt_kinds.JOB, stub)
        self.pods = pods

    async def _action(self, method: Any, name: str, namespace: str | None) -> Obj:
        reply = await calls.unary(method(common_pb2.ObjectKey(namespace=self._namespace(namespace), name=name)))
        return objects.loads(reply.object_json)

    async def suspend(self, name: str, namespace: str | None = None) -> Obj:
        """vcctl job suspend: issues an AbortJob Command for the job."""
        return await self._action(self.stub.Suspend, name, namespace)

    async def resume(self, name: str, namespace: str | None = None) -> Obj:
        return await self._action(self.stub.Resume, name, namespace)

    async def restart(self, name: str, namespace: str | None = None) -> Obj:
        return await self._action(self.stub.Restart, name, namespace)

    async def explain(self, name: str, namespace: str | None = None) -> Obj:
        """Why the job is not (fully) placed, as the REST ``/explain`` subresource shows it."""
        reply = await calls.unary(self.stub.Explain(common_pb2.ObjectKey(namespace=self._namespace(namespace),
                                                                          name=name)))
        found: Obj = json_format.MessageToDict(reply, always_print_fields_with_no_presence=True)
        return found

    async def logs(self, name: str, namespace: str | None = None, tail_lines: int | None = None) -> dict[str, bytes]:
        """The log of each of the job's pods, by pod name (JobService.Logs)."""
        reply = await calls.unary(self.stub.Logs(jobs_pb2.LogRequest(
            namespace=self._namespace(namespace), name=name, tail_lines=tail_lines or 0)))
        # The RPC reads 0 as "all"; tail_lines=0 asks for no lines, as Kubernetes' tailLines does.
        return {log.pod: b"" if tail_lines == 0 else bytes(log.data) for log in reply.pods}


class Queues(objects.Objects):
    async def operate(self, name: str, action: str) -> Obj:
        """vcctl queue operate -a open|close: issues an OpenQueue/CloseQueue Command."""
        reply = await calls.unary(self.stub.Operate(jobs_pb2.OperateQueueRequest(name=name, action=action)))
        return objects.loads(reply.object_json)


class Pods(objects.Objects):
    async def logs(self, name: str, namespace: str | None = None, tail_lines: int | None = None) -> bytes:
        if tail_lines == 0:
            return b""  # the RPC reads 0 as "all"
        reply = await calls.unary(self.stub.GetLog(jobs_pb2.LogRequest(
            namespace=self._namespace(namespace), name=name, tail_lines=tail_lines or 0)))
        return bytes(reply.data)


class Cluster:
    """ClusterService: nodes, and the live scheduler/controller instances (``basalt status``)."""

    def __init__(self, stub: Any) -> None:
        self.stub = stub

    async def nodes(self, label_selector: str = "", field_selector: str = "") -> list[Obj]:
        reply = await calls.unary(self.stub.ListNodes(scheduler_pb2.ListNodesRequest(
            label_selector=label_selector, field_selector=field_selector)))
        return [objects.loads(item) for item in reply.items_json]

    async def status(self) -> Obj:
        reply = await calls.unary(self.stub.Status(scheduler_pb2.ClusterStatusRequest()))
        found: Obj = json_format.MessageToDict(reply, always_print_fields_with_no_presence=True)
        return found
