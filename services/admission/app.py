"""The admission service: Volcano's validating and mutating webhooks behind one gRPC call."""

from __future__ import annotations

import asyncio
import logging

from basalt.rpc import server as rpc_server
from basalt.store import connection, objects
from basalt.v1 import admission_pb2_grpc
from services.admission import servicer
from services.admission.settings import Settings

log = logging.getLogger("basalt.admission")


async def serve(settings: Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                bound: list[str] | None = None) -> None:
    client = connection.connect(settings.redis_url)
    srv = rpc_server.Server(settings.listen)
    srv.add(admission_pb2_grpc.add_AdmissionServiceServicer_to_server,
            servicer.AdmissionServicer(objects.Store(client)))
    await srv.start(ready=ready, bound=bound)
    log.info("admission serving on %s", srv.address)
    try:
        await stop.wait()
    finally:
        await srv.stop()
        await client.aclose()
