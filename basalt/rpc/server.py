"""A grpc.aio server with the standard health service, bound to a host:port (port 0 = any)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from basalt import addresses

MAX_MESSAGE = 64 * 1024 * 1024


class Server:
    def __init__(self, listen: str) -> None:
        self.grpc = grpc.aio.server(options=[("grpc.max_receive_message_length", MAX_MESSAGE),
                                             ("grpc.max_send_message_length", MAX_MESSAGE)])
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.grpc)
        self.port = self.grpc.add_insecure_port(listen)
        self.address = addresses.advertised(listen.rsplit(":", 1)[0], self.port)

    def add(self, register: Callable[[object, grpc.aio.Server], None], servicer: object) -> None:
        register(servicer, self.grpc)

    async def start(self, *, ready: asyncio.Event | None = None, bound: list[str] | None = None) -> None:
        """Serve; then report the bound address (``bound``, for embedding) and readiness."""
        await self.grpc.start()
        await self.health.set("", health_pb2.HealthCheckResponse.SERVING)
        if bound is not None:
            bound.append(self.address)
        if ready is not None:
            ready.set()

    async def stop(self, grace: float = 5.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.grpc.stop(grace)


def channel(target: str) -> grpc.aio.Channel:
    """A client channel with reconnect backoff suited to a local stack."""
    return grpc.aio.insecure_channel(target, options=[
        ("grpc.max_receive_message_length", MAX_MESSAGE),
        ("grpc.max_send_message_length", MAX_MESSAGE),
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 2000),
    ])


async def check_health(target: str, timeout: float = 1.0) -> bool:
    async with channel(target) as ch:
        stub = health_pb2_grpc.HealthStub(ch)
        try:
            reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=timeout)
        except grpc.RpcError:
            return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
