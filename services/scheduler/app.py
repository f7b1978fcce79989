"""The scheduler service: a session every period over the shared view."""

from __future__ import annotations

import asyncio
import logging
import os
import pathlib
import socket

from basalt import service
from basalt.rpc import server as rpc_server
from basalt.store import connection, objects
from basalt.v1 import scheduler_pb2_grpc
from services.scheduler import conf as conf_mod
from services.scheduler import loop, servicer
from services.scheduler.settings import Settings

log = logging.getLogger("basalt.scheduler")


def load_policy(path: str) -> conf_mod.SchedulerConf:
    """The policy file, or Volcano's default when none is configured; errors name the file."""
    if not path:
        return conf_mod.DEFAULT_CONF
    return conf_mod.parse_conf(pathlib.Path(path).read_text())


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                bound: list[str] | None = None) -> None:
    policy = load_policy(settings.scheduler_conf)
    instance = settings.instance_id or f"scheduler-{socket.gethostname()}-{os.getpid()}"
    client = connection.connect(settings.redis_url)
    scheduler = loop.SchedulerLoop(objects.Store(client), policy, instance)
    srv = rpc_server.Server(settings.listen)
    srv.add(scheduler_pb2_grpc.add_SchedulerServiceServicer_to_server, servicer.SchedulerServicer(scheduler))
    await srv.start()
    if bound is not None:
        bound.append(srv.address)
    log.info("scheduler %s serving on %s", instance, srv.address)
    ready.set()
    try:
        await service.forever(stop, scheduler.run_once, settings.period_seconds)
    finally:
        await srv.stop()
        await client.aclose()
