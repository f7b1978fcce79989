"""QueueService: Volcano Queues (cluster-scoped) through admission, and ``vcctl queue operate``."""

from __future__ import annotations

import logging

import grpc

from basalt import errors
from basalt.api import kinds, meta
from basalt.rpc import status
from basalt.store import extras, objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from services.controller import admission_client, commands_api, idempotency, objects_api
from services.controller.materialize import command
from services.controller.state import bus

Obj = objects_api.Obj
log = logging.getLogger("basalt.controller.queues")

OPERATIONS = {"open": bus.Action.OPEN_QUEUE, "close": bus.Action.CLOSE_QUEUE}


class QueueServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.QueueServiceServicer):
    kind = kinds.QUEUE

    def __init__(self, store: objects.Store, side: extras.Extras, admission: admission_client.AdmissionClient) -> None:
        self.store = store
        self.side = side
        self.admission = admission

    @status.unary
    async def Create(self, request: jobs_pb2.CreateObjectRequest,
                     ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        queue = _as_queue(objects_api.decode_object(request.object_json))
        created = await idempotency.create_once(self.store, self.side, kinds.QUEUE, queue, request.idempotency_key,
                                                self._create)
        return objects_api.to_response(created)

    async def _create(self, queue: Obj) -> Obj:
        reviewed = await self.admission.review("CREATE", queue)
        created = await self.store.create(kinds.QUEUE, reviewed)
        log.info("queue %s created", meta.name(created))
        return created

    @status.unary
    async def Update(self, request: jobs_pb2.UpdateRequest, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        queue = _as_queue(objects_api.decode_object(request.object_json))
        old = await self.store.must_get(kinds.QUEUE, "", meta.name(queue))
        reviewed = await self.admission.review("UPDATE", queue, old)
        updated = objects_api.carry_server_fields(reviewed, old)
        wanted_state = str((queue.get("status") or {}).get("state") or "")
        if wanted_state and wanted_state != (old.get("status") or {}).get("state"):
            # Writing status.state is how Volcano users closed queues before Commands; the
            # controller then settles Closed versus Closing.
            updated["status"] = {**updated["status"], "state": wanted_state}
        await self.store.update(kinds.QUEUE, updated)
        return objects_api.to_response(updated)

    @status.unary
    async def Delete(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        queue = await self.store.must_get(kinds.QUEUE, "", request.name)
        await self.admission.review("DELETE", queue, queue)
        await self.store.delete(kinds.QUEUE, queue, expect=meta.resource_version(queue))
        log.info("queue %s deleted", request.name)
        return objects_api.to_response(queue)

    @status.unary
    async def Operate(self, request: jobs_pb2.OperateQueueRequest,
                      ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        action = OPERATIONS.get(request.action.lower())
        if action is None:
            raise errors.BadRequest(f"action {request.action} invalid, valid actions are open, close")
        queue = await self.store.must_get(kinds.QUEUE, "", request.name)
        cmd = command.for_object(queue, kinds.QUEUE, action, command.QUEUE_COMMAND_NAMESPACE)
        return objects_api.to_response(await commands_api.store_command(self.store, cmd))


def _as_queue(queue: Obj) -> Obj:
    queue.setdefault("apiVersion", kinds.QUEUE.api_version)
    queue.setdefault("kind", kinds.QUEUE.kind)
    md = queue.setdefault("metadata", {})
    if not isinstance(md, dict) or not md.get("name"):
        raise errors.Invalid("metadata.name: Required value: name is required",
                             (errors.Cause("metadata.name", "Required value: name is required", "FieldValueRequired"),))
    md.pop("namespace", None)
    return queue
