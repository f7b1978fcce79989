"""Redis connections that survive a Redis restart: retries with exponential backoff."""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


def connect(url: str, *, retries: int = 30) -> aioredis.Redis:
    """A client that reconnects with backoff (capped at 2 s) for about a minute before failing."""
    retry = Retry(ExponentialBackoff(cap=2.0, base=0.05), retries)
    return aioredis.Redis.from_url(
        url,
        retry=retry,
        retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        health_check_interval=10,
        socket_connect_timeout=5,
    )
