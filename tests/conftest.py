"""Shared fixtures: a real redis-server on an ephemeral port for the whole test session."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis

from basalt import redis_server
from basalt.store import connection, objects


@pytest.fixture(scope="session")
def redis_proc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis_server.RedisServer]:
    server = redis_server.start(pathlib.Path(tmp_path_factory.mktemp("redis")))
    yield server
    server.stop()


@pytest.fixture
async def redis_client(redis_proc: redis_server.RedisServer) -> AsyncIterator[aioredis.Redis]:
    client = connection.connect(redis_proc.url)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def store(redis_client: aioredis.Redis) -> objects.Store:
    return objects.Store(redis_client)
