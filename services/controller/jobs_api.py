"""JobService and PodService: what portals (through the gateway) and ML platforms call."""

from __future__ import annotations

import json
import logging

import grpc

from basalt import errors
from basalt.api import kinds, meta
from basalt.rpc import status
from basalt.store import extras, objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from services.controller import admission_client, objects_api

log = logging.getLogger("basalt.controller.jobs")


class JobServicer(jobs_pb2_grpc.JobServiceServicer):
    def __init__(self, store: objects.Store, side: extras.Extras, admission: admission_client.AdmissionClient) -> None:
        self.store = store
        self.side = side
        self.admission = admission

    @status.unary
    async def Create(self, request: jobs_pb2.CreateJobRequest, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        job = objects_api.place_in_namespace(objects_api.decode_object(request.object_json), request.namespace)
        job.setdefault("apiVersion", kinds.JOB.api_version)
        job.setdefault("kind", kinds.JOB.kind)
        if request.idempotency_key:
            earlier = await self._replay(job, request.idempotency_key)
            if earlier is not None:
                return objects_api.to_response(earlier)
        try:
            reviewed = await self.admission.review("CREATE", job)
            reviewed.pop("status", None)  # status is the controller's to write
            created = await self.store.create(kinds.JOB, reviewed)
        except errors.BasaltError:
            if request.idempotency_key:
                await self.side.release_idempotency(_scope(job), request.idempotency_key)
            raise
        log.info("job %s created", meta.key(created))
        return objects_api.to_response(created)

    async def _replay(self, job: objects_api.Obj, key: str) -> objects_api.Obj | None:
        """The job a retried create with this key made the first time, if it still exists."""
        earlier = await self.side.claim_idempotency(_scope(job), key, meta.name(job))
        if earlier is None:
            return None
        found = await self.store.get(kinds.JOB, meta.namespace(job), earlier)
        if found is None:
            raise errors.Conflict(f"idempotency key {key!r} was used for job {earlier!r}, which is being created "
                                  f"or no longer exists")
        return found

    @status.unary
    async def Get(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return objects_api.to_response(await self.store.must_get(kinds.JOB, request.namespace, request.name))

    @status.unary
    async def List(self, request: common_pb2.ListOptions, ctx: grpc.aio.ServicerContext) -> common_pb2.ListResponse:
        return await objects_api.list_objects(self.store, kinds.JOB, request)

    @status.unary
    async def Delete(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        job = await self.store.must_get(kinds.JOB, request.namespace, request.name)
        await self.store.delete(kinds.JOB, job)
        log.info("job %s deleted", meta.key(job))
        return objects_api.to_response(job)


def _scope(job: objects_api.Obj) -> str:
    return f"jobs/{meta.namespace(job)}"


class PodServicer(jobs_pb2_grpc.PodServiceServicer):
    def __init__(self, store: objects.Store, side: extras.Extras) -> None:
        self.store = store
        self.side = side

    @status.unary
    async def Get(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return objects_api.to_response(await self.store.must_get(kinds.POD, request.namespace, request.name))

    @status.unary
    async def List(self, request: common_pb2.ListOptions, ctx: grpc.aio.ServicerContext) -> common_pb2.ListResponse:
        return await objects_api.list_objects(self.store, kinds.POD, request)

    @status.unary
    async def GetLog(self, request: jobs_pb2.LogRequest, ctx: grpc.aio.ServicerContext) -> jobs_pb2.LogResponse:
        pod = await self.store.must_get(kinds.POD, request.namespace, request.name)
        data = await self.side.read_log(request.namespace, request.name, meta.uid(pod))
        if request.tail_lines > 0:
            data = b"".join(data.splitlines(keepends=True)[-request.tail_lines:])
        return jobs_pb2.LogResponse(data=data)


class PodGroupServicer(jobs_pb2_grpc.PodGroupServiceServicer):
    def __init__(self, store: objects.Store) -> None:
        self.store = store

    @status.unary
    async def Get(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return objects_api.to_response(await self.store.must_get(kinds.PODGROUP, request.namespace, request.name))

    @status.unary
    async def List(self, request: common_pb2.ListOptions, ctx: grpc.aio.ServicerContext) -> common_pb2.ListResponse:
        return await objects_api.list_objects(self.store, kinds.PODGROUP, request)
