"""The agent service: register the nodes, heartbeat, follow assignments, run pods, report.

``serve`` keeps one assignment stream open. When it ends or the controller is unreachable it
reconnects with backoff, registers again and resumes; the pods already running carry on, and the
controller's repeated RUN assignments for them are no-ops (see ``pods``).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging

import grpc

from basalt import service
from basalt.rpc import server as rpc_server
from basalt.v1 import nodes_pb2
from services.agent import backoff, link as agent_link, nodes, pods as agent_pods, runtimes
from services.agent import settings as agent_settings

log = logging.getLogger("basalt.agent")


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Agent:
    def __init__(self, settings: agent_settings.Settings, link: agent_link.Link, pods: agent_pods.Pods) -> None:
        self.settings = settings
        self.link = link
        self.pods = pods
        self.node_names = settings.node_names()
        self.registered = asyncio.Event()

    async def register(self) -> None:
        self.node_names = await self.link.register(await nodes.presented(self.settings, self.pods.runtime, _now()))
        self.registered.set()
        log.info("registered nodes %s as agent %s", ",".join(self.node_names), self.settings.agent_id)

    async def follow(self, ready: asyncio.Event) -> None:
        """Register and follow the assignment stream, forever, reconnecting with backoff."""
        delays = backoff.Backoff()
        loop = asyncio.get_running_loop()
        while True:
            opened = None
            try:
                await self.register()
                ready.set()
                opened = loop.time()
                async for assignment in self.link.assignments(self.node_names):
                    self.apply(assignment)
                log.info("assignment stream ended; reconnecting")
            except grpc.aio.AioRpcError as exc:
                level = logging.INFO if agent_link.is_transient(exc) else logging.WARNING
                log.log(level, "controller link failed (%s: %s); reconnecting", exc.code().name, exc.details())
            # A stream that stayed up a while was a success: start the backoff over. One that
            # keeps failing at once backs off to the cap instead of hammering the controller.
            if opened is not None and loop.time() - opened >= delays.cap:
                delays.reset()
            await delays.wait()

    def apply(self, assignment: nodes_pb2.Assignment) -> None:
        try:
            pod = json.loads(assignment.pod_json)
        except ValueError:
            log.error("ignoring an assignment whose pod is not JSON: %.200s", assignment.pod_json)
            return
        if assignment.type == nodes_pb2.Assignment.RUN:
            self.pods.run(pod)
        elif assignment.type == nodes_pb2.Assignment.KILL:
            self.pods.kill(str((pod.get("metadata") or {}).get("uid") or ""))

    async def heartbeat(self) -> None:
        await self.registered.wait()
        try:
            await self.link.heartbeat(self.node_names)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                await self.register()  # the controller forgot these nodes: present them again
            else:
                level = logging.DEBUG if agent_link.is_transient(exc) else logging.WARNING
                log.log(level, "heartbeat failed: %s %s", exc.code().name, exc.details())


async def serve(settings: agent_settings.Settings, *, ready: asyncio.Event, stop: asyncio.Event,
                bound: list[str] | None = None) -> None:
    """Run the agent until ``stop``; ``ready`` is set once the nodes are registered, and the
    health server's address is appended to ``bound`` when given (its port may be 0)."""
    server = rpc_server.Server(settings.listen)
    await server.start()
    if bound is not None:
        bound.append(server.address)
    channel = rpc_server.channel(settings.controller)
    link = agent_link.Link(channel, settings.agent_id)
    pods = agent_pods.Pods(runtimes.create(settings), link, settings.node_names()[0])
    agent = Agent(settings, link, pods)
    supervisor = service.Supervisor(stop)
    supervisor.spawn("agent-assignments", agent.follow(ready))
    supervisor.spawn("agent-heartbeat", service.forever(stop, agent.heartbeat, settings.heartbeat_seconds))
    log.info("agent %s serving health on %s, controller %s, runtime %s",
             settings.agent_id, server.address, settings.controller, settings.runtime)
    try:
        await stop.wait()
    finally:
        await supervisor.close()  # no new assignments from here on
        await pods.close()
        await channel.close()
        await server.stop(grace=1.0)
