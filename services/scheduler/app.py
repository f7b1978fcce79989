"""The scheduler service: a session every period over the cached shared view, active-active.

Each instance joins the ``scheduler`` ring with a lease (renewed every ttl/3 by its own task, so
a long session never lets it lapse), keeps a compact cache (paged list + watch) of the objects a
session reads, and runs sessions for the PodGroups the ring gives it. On a clean stop it leaves the ring at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

import redis.asyncio as aioredis

from basalt import metrics, service
from basalt.rpc import server as rpc_server
from basalt.store import connection, membership, objects
from basalt.v1 import scheduler_pb2_grpc
from services.scheduler import conf as conf_mod
from services.scheduler import loop, policy, servicer
from services.scheduler.cache import view
from services.scheduler.settings import Settings

log = logging.getLogger("basalt.scheduler")
GROUP = "scheduler"


def load_policy(path: str) -> conf_mod.SchedulerConf:
    """The policy file, or Volcano's default when none is configured; errors name the file."""
    return policy.PolicySource(path).current


def build(settings: Settings, client: aioredis.Redis) -> loop.SchedulerLoop:
    """The scheduler's parts (a bad policy file fails here, named); ``serve`` runs them."""
    policies = policy.PolicySource(settings.scheduler_conf)
    instance = settings.instance_id or f"scheduler-{socket.gethostname()}-{os.getpid()}"
    store = objects.Store(client)
    members = membership.Membership(client, GROUP, instance, ttl_seconds=settings.lease_ttl_seconds)
    return loop.SchedulerLoop(store, policies, members, view.ClusterCache(store, origin=instance),
                              max_groups=settings.max_groups_per_session)


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                bound: list[str] | None = None) -> None:
    client = connection.connect(settings.redis_url)
    scheduler = build(settings, client)
    members, cache, instance = scheduler.members, scheduler.cache, scheduler.instance_id
    endpoint = metrics.Endpoint(scheduler.registry, settings.metrics_listen)
    srv = rpc_server.Server(settings.listen)
    srv.add(scheduler_pb2_grpc.add_SchedulerServiceServicer_to_server, servicer.SchedulerServicer(scheduler))
    await srv.start()
    await endpoint.start()
    members.metrics = endpoint.address
    members.address = srv.address
    if bound is not None:
        bound.append(srv.address)
    tasks = service.Supervisor(stop)
    tasks.spawn("informers", cache.run(stop))
    tasks.spawn("lease", renew(members, stop))
    try:
        await members.refresh()
        await until_synced(cache, stop)
        scheduler.heap.settle()  # the synced cache is the bulk of the heap: frozen before any session
        log.info("scheduler %s serving on %s", instance, srv.address)
        ready.set()
        await service.forever(stop, scheduler.run_once, settings.period_seconds)
    finally:
        await tasks.close()
        await scheduler.close()
        await members.leave()
        await endpoint.stop()
        await srv.stop()
        await client.aclose()


async def renew(members: membership.Membership, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await members.heartbeat()
        try:
            await asyncio.wait_for(stop.wait(), timeout=members.ttl_seconds / 3)
        except asyncio.TimeoutError:
            pass


async def until_synced(cache: view.ClusterCache, stop: asyncio.Event) -> None:
    synced = asyncio.ensure_future(cache.wait_synced())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({synced, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (synced, stopping):
        task.cancel()
