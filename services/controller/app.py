"""The controller: Job, Queue, Command, Pod, PodGroup and Node services over gRPC, plus the reconcilers."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable

from basalt import metrics, service
from basalt.rpc import server as rpc_server
from basalt.store import connection, extras, membership, objects
from basalt.v1 import jobs_pb2_grpc, nodes_pb2_grpc, scheduler_pb2_grpc
from services.controller import (admission_client, cluster_api, commands_api, jobs_api, nodes_api,
                                 priority_classes_api, queues_api)
from services.controller import metrics as controller_metrics
from services.controller.reconcilers import commands, gc, jobs, podgroups, queues, ttl
from services.controller.settings import Settings

log = logging.getLogger("basalt.controller")


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                bound: list[str] | None = None) -> None:
    client = connection.connect(settings.redis_url)
    store = objects.Store(client)
    side = extras.Extras(client)
    admission = admission_client.AdmissionClient(settings.admission)
    await queues.ensure_built_in(store)
    reconciler = jobs.JobReconciler(store, workers=settings.workers, max_requeues=settings.max_requeues)
    queue_controller = queues.QueueController(store, reconciler.groups, reconciler.pods)
    bare_pods = podgroups.BarePodGroups(store, reconciler.pods, reconciler.groups)
    command_reconciler = commands.CommandReconciler(store, reconciler.request_action, queue_controller.request)
    collector = gc.GarbageCollector(store, reconciler, settings.pod_delete_grace_seconds)
    expiry = ttl.TTLCollector(store, reconciler.jobs)
    informers = reconciler.informers() + [queue_controller.queues, command_reconciler.commands]
    tasks = service.Supervisor(stop)
    for inf in informers:
        tasks.spawn(f"informer-{inf.kind.plural}", inf.run(stop))
    await asyncio.gather(*(inf.synced.wait() for inf in informers))
    ring = membership.Membership(client, "controller", settings.instance_id or default_instance_id(),
                                 ttl_seconds=settings.lease_seconds)
    reconciler.owns = command_reconciler.owns = ring.owns
    registry = metrics.Metrics("controller", ring.member_id)
    endpoint = metrics.Endpoint(registry, settings.metrics_listen)
    watched = controller_metrics.ControllerMetrics(registry, ring, reconciler)
    await ring.refresh()
    tasks.spawn("membership", service.forever(stop, _follow_ring(ring, reconciler, command_reconciler, watched),
                                              settings.lease_seconds / 5))
    tasks.spawn("job-workers", reconciler.run(stop))
    tasks.spawn("queue-worker", queue_controller.run(stop))
    tasks.spawn("bare-pod-groups", bare_pods.run(stop))
    tasks.spawn("command-worker", command_reconciler.run(stop))
    tasks.spawn("resync", service.forever(stop, _as_step(reconciler.resync), settings.resync_seconds))
    tasks.spawn("queue-resync", service.forever(stop, _as_step(queue_controller.resync), settings.resync_seconds))
    tasks.spawn("gc", service.forever(stop, collector.run_once, max(1.0, settings.resync_seconds / 2)))
    tasks.spawn("ttl", service.forever(stop, expiry.run_once, settings.ttl_check_seconds))

    srv = rpc_server.Server(settings.listen)
    srv.add(jobs_pb2_grpc.add_JobServiceServicer_to_server, jobs_api.JobServicer(store, side, admission))
    srv.add(jobs_pb2_grpc.add_PodServiceServicer_to_server, jobs_api.PodServicer(store, side))
    srv.add(jobs_pb2_grpc.add_PodGroupServiceServicer_to_server, jobs_api.PodGroupServicer(store))
    srv.add(jobs_pb2_grpc.add_NodeReadServiceServicer_to_server, jobs_api.NodeReadServicer(store))
    srv.add(jobs_pb2_grpc.add_QueueServiceServicer_to_server, queues_api.QueueServicer(store, side, admission))
    srv.add(jobs_pb2_grpc.add_CommandServiceServicer_to_server, commands_api.CommandServicer(store, side))
    srv.add(jobs_pb2_grpc.add_PriorityClassServiceServicer_to_server,
            priority_classes_api.PriorityClassServicer(store, side))
    srv.add(nodes_pb2_grpc.add_NodeServiceServicer_to_server, nodes_api.NodeServicer(store, side))
    srv.add(scheduler_pb2_grpc.add_ClusterServiceServicer_to_server, cluster_api.ClusterServicer(store))
    ring.address = srv.address
    await endpoint.start()
    ring.metrics = endpoint.address
    await srv.start(ready=ready, bound=bound)
    log.info("controller %s serving on %s", ring.member_id, srv.address)
    try:
        await stop.wait()
    finally:
        await srv.stop()
        await endpoint.stop()
        await tasks.close()
        await ring.leave()
        await admission.close()
        await client.aclose()


def _as_step(fn: Callable[[], None]) -> service.Step:
    async def step() -> None:
        fn()
    return step


def default_instance_id() -> str:
    return f"controller-{socket.gethostname()}-{os.getpid()}"


def _follow_ring(ring: membership.Membership, reconciler: jobs.JobReconciler,
                 command_reconciler: commands.CommandReconciler,
                 watched: controller_metrics.ControllerMetrics) -> service.Step:
    """Renew our lease; when members come or go, look at every job and command again."""
    async def step() -> None:
        before = ring.view
        await ring.refresh()
        if ring.view != before:
            log.info("controller ring: %s", ", ".join(ring.view.members))
            reconciler.resync_all()
            command_reconciler.resync()
            took = ring.since_lost_expiry()
            if took is not None:
                watched.took_over(took)
    return step
