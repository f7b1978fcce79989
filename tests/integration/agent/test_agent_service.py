"""The agent's serve() against a test peer NodeService on 127.0.0.1:0.

``PeerNodeService`` is a test peer, not the controller: it records every call and streams the
assignments a test pushes, so the agent's side of the contract is checked on its own while the
controller's real NodeService evolves separately.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import pathlib
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import pytest

from basalt import config
from basalt.rpc import server as rpc_server
from basalt.v1 import nodes_pb2, nodes_pb2_grpc
from services.agent import app, settings as agent_settings
from tests import servers

RUN = nodes_pb2.Assignment.RUN
KILL = nodes_pb2.Assignment.KILL
DEADLINE = 10.0
_uids = itertools.count()


class PeerNodeService(nodes_pb2_grpc.NodeServiceServicer):
    """Test peer: records calls in arrival order and streams pushed assignments."""

    def __init__(self, bound: dict[str, nodes_pb2.Assignment] | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.bound: dict[str, nodes_pb2.Assignment] = dict(bound or {})  # sent first on every watch
        self.watchers: list[asyncio.Queue[nodes_pb2.Assignment]] = []
        self.changed = asyncio.Condition()
        self.reject_uids: set[str] = set()
        self.unavailable_reports = 0  # answer this many status reports with UNAVAILABLE first
        self.answer_reports = asyncio.Event()  # cleared: status reports wait for an answer
        self.answer_reports.set()

    async def _record(self, method: str, request: Any) -> None:
        async with self.changed:
            self.calls.append((method, request))
            self.changed.notify_all()

    def requests(self, method: str) -> list[Any]:
        return [request for name, request in self.calls if name == method]

    def phases(self, uid: str) -> list[str]:
        return [r.phase for r in self.requests("ReportPodStatus") if r.uid == uid]

    def log_of(self, uid: str) -> bytes:
        return b"".join(r.data for r in self.requests("AppendLog") if r.uid == uid)

    async def until(self, predicate: Callable[[], object], timeout: float = DEADLINE) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), timeout)

    def push(self, kind: int, pod: dict[str, Any]) -> None:
        assignment = nodes_pb2.Assignment(type=kind, pod_json=json.dumps(pod))  # type: ignore[arg-type]
        uid = pod["metadata"]["uid"]
        if kind == RUN:
            self.bound[uid] = assignment
        else:
            self.bound.pop(uid, None)
        for queue in self.watchers:
            queue.put_nowait(assignment)

    async def Register(self, request: nodes_pb2.RegisterRequest, ctx: Any) -> nodes_pb2.RegisterResponse:
        await self._record("Register", request)
        return nodes_pb2.RegisterResponse(node_names=[json.loads(n)["metadata"]["name"] for n in request.nodes_json])

    async def Heartbeat(self, request: nodes_pb2.HeartbeatRequest, ctx: Any) -> nodes_pb2.HeartbeatResponse:
        await self._record("Heartbeat", request)
        return nodes_pb2.HeartbeatResponse()

    async def WatchAssignments(self, request: nodes_pb2.WatchAssignmentsRequest,
                               ctx: Any) -> AsyncIterator[nodes_pb2.Assignment]:
        queue: asyncio.Queue[nodes_pb2.Assignment] = asyncio.Queue()
        for assignment in self.bound.values():
            queue.put_nowait(assignment)
        self.watchers.append(queue)
        await self._record("WatchAssignments", request)
        try:
            while True:
                yield await queue.get()
        finally:
            self.watchers.remove(queue)

    async def ReportPodStatus(self, request: nodes_pb2.PodStatusReport, ctx: Any) -> nodes_pb2.ReportResponse:
        if self.unavailable_reports > 0:
            self.unavailable_reports -= 1
            await self._record("ReportRefused", request)
            await ctx.abort(grpc.StatusCode.UNAVAILABLE, "test peer pretends to be away")
        await self._record("ReportPodStatus", request)
        await self.answer_reports.wait()
        return nodes_pb2.ReportResponse(accepted=request.uid not in self.reject_uids)

    async def AppendLog(self, request: nodes_pb2.LogChunk, ctx: Any) -> nodes_pb2.ReportResponse:
        await self._record("AppendLog", request)
        return nodes_pb2.ReportResponse(accepted=True)


class Peer:
    """The test peer's gRPC server; ``restart`` brings up a fresh peer on the same port."""

    def __init__(self) -> None:
        self.service = PeerNodeService()
        self.server: rpc_server.Server | None = None
        self.address = ""

    async def start(self, listen: str = "127.0.0.1:0") -> None:
        self.server = rpc_server.Server(listen)
        self.server.add(nodes_pb2_grpc.add_NodeServiceServicer_to_server, self.service)
        await self.server.start()
        self.address = self.server.address

    async def stop(self) -> None:
        assert self.server is not None
        await self.server.stop(grace=0)

    async def restart(self) -> None:
        await self.stop()
        self.service = PeerNodeService(bound=self.service.bound)
        await self.start(self.address)


class PodBuilder:
    """A pod as the controller would bind it, built fluently: ``PodBuilder("p").sh("exit 0").obj()``."""

    def __init__(self, name: str, node: str = "node-1") -> None:
        self._pod: dict[str, Any] = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}-{next(_uids)}",
                         "labels": {}, "annotations": {}},
            "spec": {"nodeName": node, "containers": []},
        }

    def sh(self, script: str) -> PodBuilder:
        self._pod["spec"]["containers"].append({"name": f"c{len(self._pod['spec']['containers'])}",
                                                "command": ["sh", "-c", script]})
        return self

    def label(self, key: str, value: str) -> PodBuilder:
        self._pod["metadata"]["labels"][key] = value
        return self

    def annotate(self, key: str, value: str) -> PodBuilder:
        self._pod["metadata"]["annotations"][key] = value
        return self

    def obj(self) -> dict[str, Any]:
        return self._pod


def uid(pod: dict[str, Any]) -> str:
    return str(pod["metadata"]["uid"])


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    running = Peer()
    await running.start()
    yield running
    await running.stop()


@contextlib.asynccontextmanager
async def agent(peer: Peer, tmp_path: pathlib.Path, **overrides: Any) -> AsyncIterator[agent_settings.Settings]:
    values: dict[str, Any] = {"controller": peer.address, "nodes": 3, "agent_id": "agent-under-test",
                              "node_resources": "cpu=2,memory=4Gi,nvidia.com/gpu=1", "node_labels": "zone=z1",
                              "work_dir": str(tmp_path / "agent"), "heartbeat_seconds": 0.1, **overrides}
    settings = config.load(agent_settings.Settings, {}, **values)
    async with servers.running(app.serve, settings):
        yield settings


async def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def logged_pid(peer: Peer, pod: dict[str, Any]) -> int:
    match = re.search(rb"pid=(\d+)", peer.service.log_of(uid(pod)))
    assert match is not None
    return int(match[1])


async def test_registration_presents_every_node_then_heartbeats(peer: Peer, tmp_path: pathlib.Path) -> None:
    async with agent(peer, tmp_path):
        service = peer.service
        await service.until(lambda: service.requests("Heartbeat"))
        registered = [json.loads(n) for n in service.requests("Register")[0].nodes_json]
        assert [n["metadata"]["name"] for n in registered] == ["node-0", "node-1", "node-2"]
        for node in registered:
            assert node["status"]["allocatable"] == {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1", "pods": "110"}
            assert node["metadata"]["labels"]["basalt.io/agent"] == "agent-under-test"
            assert node["metadata"]["labels"]["kubernetes.io/hostname"] == node["metadata"]["name"]
            assert node["metadata"]["labels"]["zone"] == "z1"
        assert list(service.requests("Heartbeat")[0].node_names) == ["node-0", "node-1", "node-2"]


async def test_process_pod_reports_running_then_failed_with_its_log(peer: Peer, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("worker").label("volcano.sh/task-index", "2").sh("echo index=$VC_TASK_INDEX; exit 3").obj()
    async with agent(peer, tmp_path) as settings:
        service = peer.service
        await service.until(lambda: service.watchers)
        service.push(RUN, pod)
        await service.until(lambda: len(service.phases(uid(pod))) == 2)
        reports = [r for r in service.requests("ReportPodStatus") if r.uid == uid(pod)]
        assert [r.phase for r in reports] == ["Running", "Failed"]
        assert (reports[1].exit_code, reports[1].reason, reports[1].node_name) == (3, "Error", "node-1")
        assert b"index=2\n" in service.log_of(uid(pod))
        methods = [name for name, request in service.calls if getattr(request, "uid", None) == uid(pod)]
        assert methods[-1] == "ReportPodStatus" and "AppendLog" in methods[:-1]  # log before the terminal status
        local = pathlib.Path(settings.work_dir) / "pods" / f"default_worker_{uid(pod)}" / "basalt.log"
        assert local.read_bytes() == b"index=2\n"


async def test_fake_pod_succeeds_after_its_duration(peer: Peer, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("sim").annotate("basalt.io/fake-duration", "100ms").obj()
    failing = PodBuilder("sim-bad", node="node-2").annotate("basalt.io/fake-duration", "0.05") \
        .annotate("basalt.io/fake-exit-code", "7").obj()
    async with agent(peer, tmp_path, runtime="fake"):
        service = peer.service
        await service.until(lambda: service.watchers)
        service.push(RUN, pod)
        service.push(RUN, failing)
        await service.until(lambda: len(service.phases(uid(pod))) == 2 and len(service.phases(uid(failing))) == 2)
        assert service.phases(uid(pod)) == ["Running", "Succeeded"]
        assert service.phases(uid(failing)) == ["Running", "Failed"]
        assert service.log_of(uid(pod)) == b"fake pod default/sim ran 0.1s on node-1, exit 0\n"
        assert b"exit 7" in service.log_of(uid(failing))
        assert {r.exit_code for r in service.requests("ReportPodStatus") if r.uid == uid(failing)} == {0, 7}


async def test_kill_stops_a_sleeping_pod_quickly(peer: Peer, tmp_path: pathlib.Path) -> None:
    # $$$$ because Kubernetes expands $$ to $ in commands before the shell sees them.
    pod = PodBuilder("sleeper").sh("echo pid=$$$$; exec sleep 30").obj()
    async with agent(peer, tmp_path):
        service = peer.service
        await service.until(lambda: service.watchers)
        service.push(RUN, pod)
        await service.until(lambda: b"pid=" in service.log_of(uid(pod)))
        pid = logged_pid(peer, pod)
        service.push(KILL, pod)
        await service.until(lambda: len(service.phases(uid(pod))) == 2, timeout=5.0)
        final = [r for r in service.requests("ReportPodStatus") if r.uid == uid(pod)][-1]
        assert (final.phase, final.reason, final.exit_code) == ("Failed", "Killed", 143)
        assert await pid_gone(pid)


async def test_reconnect_resumes_without_rerunning_a_known_pod(peer: Peer, tmp_path: pathlib.Path) -> None:
    long_pod = PodBuilder("long").annotate("basalt.io/fake-duration", "60s").obj()
    async with agent(peer, tmp_path, runtime="fake"):
        first = peer.service
        await first.until(lambda: first.watchers)
        first.push(RUN, long_pod)
        await first.until(lambda: first.phases(uid(long_pod)) == ["Running"])

        await peer.restart()  # the new peer repeats RUN for the bound pod, as a controller would
        second = peer.service
        await second.until(lambda: second.requests("Register") and second.watchers, timeout=DEADLINE)
        short_pod = PodBuilder("short").annotate("basalt.io/fake-duration", "10ms").obj()
        second.push(RUN, short_pod)
        await second.until(lambda: second.phases(uid(short_pod)) == ["Running", "Succeeded"])
        assert second.phases(uid(long_pod)) == []  # still running from before: not started again

        second.push(KILL, long_pod)
        await second.until(lambda: second.phases(uid(long_pod)) == ["Failed"])
        assert [r.reason for r in second.requests("ReportPodStatus") if r.uid == uid(long_pod)] == ["Killed"]


async def test_terminal_status_is_retried_while_the_controller_is_unavailable(
        peer: Peer, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("retry").annotate("basalt.io/fake-duration", "0").obj()
    async with agent(peer, tmp_path, runtime="fake"):
        service = peer.service
        await service.until(lambda: service.watchers)
        service.unavailable_reports = 3
        service.push(RUN, pod)
        await service.until(lambda: service.phases(uid(pod)) == ["Running", "Succeeded"])
        assert len(service.requests("ReportRefused")) == 3


async def test_pod_the_controller_no_longer_knows_is_stopped(peer: Peer, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("orphan").sh("echo pid=$$$$; exec sleep 30").obj()
    async with agent(peer, tmp_path):
        service = peer.service
        await service.until(lambda: service.watchers)
        service.reject_uids.add(uid(pod))
        service.answer_reports.clear()  # hold the refusal until the pod has shown its pid
        service.push(RUN, pod)
        await service.until(lambda: b"pid=" in service.log_of(uid(pod)))
        service.answer_reports.set()
        await servers.eventually(lambda: pid_gone(logged_pid(peer, pod)), timeout=5.0)
        assert service.phases(uid(pod)) == ["Running"]  # refused once, then nothing more


async def test_stopping_the_agent_kills_its_pods(peer: Peer, tmp_path: pathlib.Path) -> None:
    pod = PodBuilder("leftover").sh("echo pid=$$$$; exec sleep 30").obj()
    async with agent(peer, tmp_path):
        service = peer.service
        await service.until(lambda: service.watchers)
        service.push(RUN, pod)
        await service.until(lambda: b"pid=" in service.log_of(uid(pod)))
    assert await pid_gone(logged_pid(peer, pod))
    assert service.phases(uid(pod)) == ["Running"]
