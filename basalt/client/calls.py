"""One place where a failed gRPC call becomes the Basalt error it carries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import grpc

from basalt.rpc import status as rpc_status

T = TypeVar("T")


async def unary(call: Awaitable[T]) -> T:
    try:
        return await call
    except grpc.RpcError as exc:
        raise rpc_status.from_rpc_error(exc) from None


async def stream(call: Any) -> AsyncIterator[Any]:
    """The messages of a server stream; the stream is cancelled when the consumer stops early."""
    try:
        async for message in call:
            yield message
    except grpc.RpcError as exc:
        raise rpc_status.from_rpc_error(exc) from None
    finally:
        call.cancel()
