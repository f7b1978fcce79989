"""CommandService: bus.volcano.sh/v1alpha1 Commands, stored for the controller to execute once."""

from __future__ import annotations

import grpc

from basalt.api import kinds, meta
from basalt.rpc import status
from basalt.store import extras, objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from services.controller import idempotency, objects_api
from services.controller.materialize import command

Obj = objects_api.Obj


async def store_command(store: objects.Store, cmd: Obj) -> Obj:
    """Validate and store a Command (name from ``generateName`` when it has none)."""
    cmd = objects_api.place_in_namespace(cmd, meta.namespace(cmd))
    cmd.setdefault("apiVersion", kinds.COMMAND.api_version)
    cmd.setdefault("kind", kinds.COMMAND.kind)
    command.validate(cmd)
    return await store.create(kinds.COMMAND, cmd)


class CommandServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.CommandServiceServicer):
    kind = kinds.COMMAND

    def __init__(self, store: objects.Store, side: extras.Extras) -> None:
        self.store = store
        self.side = side

    @status.unary
    async def Create(self, request: jobs_pb2.CreateObjectRequest,
                     ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        cmd = objects_api.place_in_namespace(objects_api.decode_object(request.object_json), request.namespace)
        cmd.setdefault("apiVersion", kinds.COMMAND.api_version)
        cmd.setdefault("kind", kinds.COMMAND.kind)
        created = await idempotency.create_once(self.store, self.side, kinds.COMMAND, cmd, request.idempotency_key,
                                                lambda c: store_command(self.store, c), gone=_executed)
        return objects_api.to_response(created)



def _executed(cmd: Obj, name: str) -> Obj:
    """A replayed command the controller has already executed (and so deleted): the command as
    it was created, which is what the first call answered."""
    return {**cmd, "metadata": {**meta.metadata(cmd), "name": name}}
