"""PriorityClassService: scheduling.k8s.io/v1 PriorityClasses, validated as the API server does."""

from __future__ import annotations

import grpc

from basalt import errors
from basalt.api import kinds, meta
from basalt.rpc import status
from basalt.store import extras, objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from services.controller import admission_client, idempotency, objects_api

Obj = objects_api.Obj
HIGHEST_USER_PRIORITY = 1_000_000_000  # Kubernetes' HighestUserDefinablePriority
LOWEST_PRIORITY = -2_147_483_648


class PriorityClassServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.PriorityClassServiceServicer):
    kind = kinds.PRIORITY_CLASS

    def __init__(self, store: objects.Store, side: extras.Extras) -> None:
        self.store = store
        self.side = side

    @status.unary
    async def Create(self, request: jobs_pb2.CreateObjectRequest,
                     ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        pc = _as_priority_class(objects_api.decode_object(request.object_json))
        created = await idempotency.create_once(self.store, self.side, kinds.PRIORITY_CLASS, pc,
                                                request.idempotency_key, self._create)
        return objects_api.to_response(created)

    async def _create(self, pc: Obj) -> Obj:
        validate(pc, await self.store.list_all(kinds.PRIORITY_CLASS))
        return await self.store.create(kinds.PRIORITY_CLASS, pc)

    @status.unary
    async def Update(self, request: jobs_pb2.UpdateRequest, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        pc = _as_priority_class(objects_api.decode_object(request.object_json))
        old = await self.store.must_get(kinds.PRIORITY_CLASS, "", meta.name(pc))
        if pc.get("value") != old.get("value"):
            raise _invalid(pc, errors.Cause("value", "Forbidden: may not be changed in an update.",
                                            "FieldValueForbidden"))
        validate(pc, [c for c in await self.store.list_all(kinds.PRIORITY_CLASS) if meta.name(c) != meta.name(pc)])
        updated = objects_api.carry_server_fields(pc, old)
        await self.store.update(kinds.PRIORITY_CLASS, updated)
        return objects_api.to_response(updated)

    @status.unary
    async def Delete(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        pc = await self.store.must_get(kinds.PRIORITY_CLASS, "", request.name)
        await self.store.delete(kinds.PRIORITY_CLASS, pc, expect=meta.resource_version(pc))
        return objects_api.to_response(pc)


def _as_priority_class(obj: Obj) -> Obj:
    obj = objects_api.place_in_namespace(obj, "")
    meta.metadata(obj).pop("namespace", None)
    obj.setdefault("apiVersion", kinds.PRIORITY_CLASS.api_version)
    obj.setdefault("kind", kinds.PRIORITY_CLASS.kind)
    return obj


def validate(pc: Obj, others: list[Obj]) -> None:
    """Kubernetes' rules: an integer value within the user range, one globalDefault at most."""
    causes = []
    value = pc.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        causes.append(errors.Cause("value", "Required value: must be an integer", "FieldValueRequired"))
    elif not LOWEST_PRIORITY <= value <= HIGHEST_USER_PRIORITY:
        causes.append(errors.Cause("value", f"Invalid value: {value}: maximum allowed value of a user defined "
                                            f"priority is {HIGHEST_USER_PRIORITY}"))
    if pc.get("globalDefault"):
        current = [meta.name(c) for c in others if c.get("globalDefault")]
        if current:
            causes.append(errors.Cause("globalDefault", f"Invalid value: true: globalDefault {current[0]} "
                                                        f"already exists"))
    if causes:
        raise _invalid(pc, *causes)


def _invalid(pc: Obj, *causes: errors.Cause) -> errors.Invalid:
    return errors.Invalid(admission_client.invalid_message(pc, causes), causes)
