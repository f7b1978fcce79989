"""JobService and PodService: what portals (through the gateway) and ML platforms call."""

from __future__ import annotations

import logging

import grpc

from basalt.api import kinds, labels, meta
from basalt.rpc import status
from basalt.store import extras, objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from services.controller import admission_client, commands_api, idempotency, objects_api
from services.controller.materialize import command, naming
from services.controller.materialize.plugins import ssh
from services.controller.state import bus, explain

log = logging.getLogger("basalt.controller.jobs")


class JobServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.JobServiceServicer):
    kind = kinds.JOB

    def __init__(self, store: objects.Store, side: extras.Extras, admission: admission_client.AdmissionClient) -> None:
        self.store = store
        self.side = side
        self.admission = admission

    @status.unary
    async def Create(self, request: jobs_pb2.CreateJobRequest, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        job = objects_api.place_in_namespace(objects_api.decode_object(request.object_json), request.namespace)
        job.setdefault("apiVersion", kinds.JOB.api_version)
        job.setdefault("kind", kinds.JOB.kind)
        created = await idempotency.create_once(self.store, self.side, kinds.JOB, job, request.idempotency_key,
                                                self._create)
        return objects_api.to_response(created)

    async def _create(self, job: objects_api.Obj) -> objects_api.Obj:
        reviewed = await self.admission.review("CREATE", job)
        reviewed.pop("status", None)  # status is the controller's to write
        created = await self.store.create(kinds.JOB, reviewed)
        log.info("job %s created", meta.key(created))
        return created

    @status.unary
    async def Delete(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        job = await self.store.must_get(kinds.JOB, request.namespace, request.name)
        await self.store.delete(kinds.JOB, job)
        log.info("job %s deleted", meta.key(job))
        return objects_api.to_response(job)

    @status.unary
    async def Update(self, request: jobs_pb2.UpdateRequest, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        """Admission UPDATE against the stored job, then compare-and-set; the reconciler scales."""
        job = objects_api.place_in_namespace(objects_api.decode_object(request.object_json), "")
        old = await self.store.must_get(kinds.JOB, meta.namespace(job), meta.name(job))
        job.setdefault("apiVersion", kinds.JOB.api_version)
        job.setdefault("kind", kinds.JOB.kind)
        reviewed = await self.admission.review("UPDATE", job, old)
        updated = objects_api.carry_server_fields(reviewed, old, controller_annotations=(ssh.KEYPAIR_ANNOTATION,))
        await self.store.update(kinds.JOB, updated)
        log.info("job %s updated", meta.key(updated))
        return objects_api.to_response(updated)

    @status.unary
    async def Suspend(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return await self._command(request, bus.Action.ABORT_JOB)

    @status.unary
    async def Resume(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return await self._command(request, bus.Action.RESUME_JOB)

    @status.unary
    async def Restart(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> common_pb2.ObjectResponse:
        return await self._command(request, bus.Action.RESTART_JOB)

    async def _command(self, request: common_pb2.ObjectKey, action: bus.Action) -> common_pb2.ObjectResponse:
        """vcctl job suspend/resume/restart: a Command for the job, executed by the controller."""
        job = await self.store.must_get(kinds.JOB, request.namespace or "default", request.name)
        cmd = command.for_object(job, kinds.JOB, action, meta.namespace(job))
        return objects_api.to_response(await commands_api.store_command(self.store, cmd))

    @status.unary
    async def Logs(self, request: jobs_pb2.LogRequest, ctx: grpc.aio.ServicerContext) -> jobs_pb2.JobLogsResponse:
        job = await self.store.must_get(kinds.JOB, request.namespace or "default", request.name)
        # Volcano's selection (the job-name label), excluding pods of an earlier job of the same name.
        pods = [p for p in await self.store.list_all(kinds.POD, meta.namespace(job))
                if meta.labels(p).get(labels.JOB_NAME) == meta.name(job) and meta.owner_uid(p) in ("", meta.uid(job))]
        return jobs_pb2.JobLogsResponse(pods=[
            jobs_pb2.PodLog(pod=meta.name(p), data=await pod_log(self.side, p, request.tail_lines))
            for p in sorted(pods, key=meta.name)])

    @status.unary
    async def Explain(self, request: common_pb2.ObjectKey, ctx: grpc.aio.ServicerContext) -> jobs_pb2.ExplainResponse:
        job = await self.store.must_get(kinds.JOB, request.namespace or "default", request.name)
        group = await self.store.get(kinds.PODGROUP, meta.namespace(job), naming.podgroup_name(job))
        queue = str((job.get("spec") or {}).get("queue") or "default")
        queue_groups = [g for g in await self.store.list_all(kinds.PODGROUP)
                        if str((g.get("spec") or {}).get("queue") or "default") == queue]
        priorities = {meta.name(c): int(c.get("value") or 0) for c in await self.store.list_all(kinds.PRIORITY_CLASS)}
        return to_explain_response(explain.explain(job, group, queue_groups, priorities))


async def pod_log(side: extras.Extras, pod: objects_api.Obj, tail_lines: int) -> bytes:
    """A pod's captured output, the last ``tail_lines`` lines when positive."""
    data = await side.read_log(meta.namespace(pod), meta.name(pod), meta.uid(pod))
    if tail_lines > 0:
        data = b"".join(data.splitlines(keepends=True)[-tail_lines:])
    return data


def to_explain_response(found: explain.Explanation) -> jobs_pb2.ExplainResponse:
    reasons = [jobs_pb2.PendingReason(stage=r.stage, message=r.message, failing_nodes=r.failing_nodes,
                                      nodes_checked=r.nodes_checked) for r in found.reasons]
    return jobs_pb2.ExplainResponse(phase=found.phase, podgroup=found.podgroup, podgroup_phase=found.podgroup_phase,
                                    queue=found.queue, queue_position=found.queue_position,
                                    queue_pending=found.queue_pending, reasons=reasons, summary=found.summary)


class PodServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.PodServiceServicer):
    kind = kinds.POD

    def __init__(self, store: objects.Store, side: extras.Extras) -> None:
        self.store = store
        self.side = side

    @status.unary
    async def GetLog(self, request: jobs_pb2.LogRequest, ctx: grpc.aio.ServicerContext) -> jobs_pb2.LogResponse:
        pod = await self.store.must_get(kinds.POD, request.namespace, request.name)
        return jobs_pb2.LogResponse(data=await pod_log(self.side, pod, request.tail_lines))


class PodGroupServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.PodGroupServiceServicer):
    kind = kinds.PODGROUP

    def __init__(self, store: objects.Store) -> None:
        self.store = store


class NodeReadServicer(objects_api.Reads, objects_api.Watches, jobs_pb2_grpc.NodeReadServiceServicer):
    kind = kinds.NODE

    def __init__(self, store: objects.Store) -> None:
        self.store = store
