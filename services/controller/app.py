"""The controller: JobService, PodService and NodeService over gRPC, plus the reconcilers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from basalt import service
from basalt.rpc import server as rpc_server
from basalt.store import connection, extras, objects
from basalt.v1 import jobs_pb2_grpc, nodes_pb2_grpc, scheduler_pb2_grpc
from services.controller import admission_client, cluster_api, jobs_api, nodes_api
from services.controller.reconcilers import gc, jobs, queues
from services.controller.settings import Settings

log = logging.getLogger("basalt.controller")


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                bound: list[str] | None = None) -> None:
    client = connection.connect(settings.redis_url)
    store = objects.Store(client)
    side = extras.Extras(client)
    admission = admission_client.AdmissionClient(settings.admission)
    await queues.ensure_built_in(store)
    reconciler = jobs.JobReconciler(store, workers=settings.workers)
    collector = gc.GarbageCollector(store, reconciler, settings.pod_delete_grace_seconds)
    tasks = service.Supervisor(stop)
    for inf in reconciler.informers():
        tasks.spawn(f"informer-{inf.kind.plural}", inf.run(stop))
    await asyncio.gather(*(inf.synced.wait() for inf in reconciler.informers()))
    tasks.spawn("job-workers", reconciler.run(stop))
    tasks.spawn("resync", service.forever(stop, _as_step(reconciler.resync), settings.resync_seconds))
    tasks.spawn("gc", service.forever(stop, collector.run_once, max(1.0, settings.resync_seconds / 2)))

    srv = rpc_server.Server(settings.listen)
    srv.add(jobs_pb2_grpc.add_JobServiceServicer_to_server, jobs_api.JobServicer(store, side, admission))
    srv.add(jobs_pb2_grpc.add_PodServiceServicer_to_server, jobs_api.PodServicer(store, side))
    srv.add(jobs_pb2_grpc.add_PodGroupServiceServicer_to_server, jobs_api.PodGroupServicer(store))
    srv.add(nodes_pb2_grpc.add_NodeServiceServicer_to_server, nodes_api.NodeServicer(store, side))
    srv.add(scheduler_pb2_grpc.add_ClusterServiceServicer_to_server, cluster_api.ClusterServicer(store))
    await srv.start()
    log.info("controller serving on %s", srv.address)
    if bound is not None:
        bound.append(srv.address)
    ready.set()
    try:
        await stop.wait()
    finally:
        await srv.stop()
        await tasks.close()
        await admission.close()
        await client.aclose()


def _as_step(fn: Callable[[], None]) -> service.Step:
    async def step() -> None:
        fn()
    return step
