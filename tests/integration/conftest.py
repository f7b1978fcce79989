"""Real services on 127.0.0.1 port 0 over the per-test Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from basalt import redis_server
from services.admission import app as admission_app
from services.admission.settings import Settings as AdmissionSettings
from services.controller import app as controller_app
from services.controller.settings import Settings as ControllerSettings
from tests import servers


@pytest.fixture
async def admission_target(redis_client: aioredis.Redis, redis_proc: redis_server.RedisServer) -> AsyncIterator[str]:
    async with servers.running(admission_app.serve,
                               AdmissionSettings(redis_url=redis_proc.url, listen="127.0.0.1:0")) as addr:
        yield addr


@pytest.fixture
async def controller_target(redis_proc: redis_server.RedisServer, admission_target: str) -> AsyncIterator[str]:
    settings = ControllerSettings(redis_url=redis_proc.url, listen="127.0.0.1:0", admission=admission_target,
                                  resync_seconds=2.0)
    async with servers.running(controller_app.serve, settings) as addr:
        yield addr
