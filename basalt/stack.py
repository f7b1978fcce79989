"""The local stack behind `basalt up`: Redis plus every service as a child process.

Each child runs ``python -m services.<name>`` in its own session with its settings in BASALT_*
variables and its output in ``<data-dir>/logs/<name>.log``. Start-up waits for every health check;
shutdown sends SIGTERM (services drain), then SIGKILL to whatever is left of each process group.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

from basalt import redis_server
from basalt.rpc import server as rpc_server


@dataclass(frozen=True)
class StackConfig:
    data_dir: pathlib.Path
    runtime: str = "process"
    nodes: int = 2
    node_resources: str = "cpu=4,memory=8Gi,pods=110"
    schedulers: int = 2
    port: int = 8080
    scheduler_conf: str = ""
    host: str = "127.0.0.1"


@dataclass
class Child:
    name: str
    module: str
    env: dict[str, str]
    health: str  # "grpc:host:port" or "http:url"
    process: subprocess.Popen[bytes] | None = None


@dataclass
class Stack:
    config: StackConfig
    redis: redis_server.RedisServer | None = None
    children: list[Child] = field(default_factory=list)
    gateway_url: str = ""

    def plan(self) -> None:
        assert self.redis is not None
        c = self.config
        common = {"BASALT_REDIS_URL": self.redis.url}
        admission = f"{c.host}:{redis_server.free_port()}"
        controller = f"{c.host}:{redis_server.free_port()}"
        port = c.port or redis_server.free_port()
        self.gateway_url = f"http://{c.host}:{port}"
        self._add("admission", {**common, "BASALT_LISTEN": admission}, f"grpc:{admission}")
        watched = {**common, "BASALT_METRICS_LISTEN": f"{c.host}:0"}  # `basalt status` shows where
        self._add("controller", {**watched, "BASALT_LISTEN": controller, "BASALT_ADMISSION": admission},
                  f"grpc:{controller}")
        for i in range(c.schedulers):
            addr = f"{c.host}:{redis_server.free_port()}"
            self._add(f"scheduler-{i}", {**watched, "BASALT_LISTEN": addr, "BASALT_INSTANCE_ID": f"scheduler-{i}",
                                         "BASALT_SCHEDULER_CONF": c.scheduler_conf}, f"grpc:{addr}", "scheduler")
        agent = f"{c.host}:{redis_server.free_port()}"
        self._add("agent", {"BASALT_LISTEN": agent, "BASALT_CONTROLLER": controller, "BASALT_RUNTIME": c.runtime,
                            "BASALT_NODES": str(c.nodes), "BASALT_NODE_RESOURCES": c.node_resources,
                            "BASALT_WORK_DIR": str(c.data_dir / "pods"), "BASALT_AGENT_ID": "agent-0"},
                  f"grpc:{agent}")
        # Anonymous access suits a laptop stack; compose and Kubernetes deployments require tokens.
        self._add("gateway", {"BASALT_LISTEN_HOST": c.host, "BASALT_PORT": str(port), "BASALT_CONTROLLER": controller,
                              "BASALT_ALLOW_ANONYMOUS": "true"},
                  f"http:{self.gateway_url}/healthz")

    def _add(self, name: str, env: dict[str, str], health: str, module: str | None = None) -> None:
        self.children.append(Child(name, f"services.{module or name}", env, health))

    def start(self, timeout: float = 60.0) -> None:
        """Start Redis and every child; return once all are healthy, or stop all and raise."""
        self.redis = redis_server.start(self.config.data_dir / "redis")
        self.plan()
        logs = self.config.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        try:
            for child in self.children:
                self._spawn(child, logs)
                self._wait_healthy(child, timeout)
            self._write_pids()
        except BaseException:
            self.stop()
            raise

    def _write_pids(self) -> None:
        """Record every process so tools (and the e2e tests) can check none outlives the stack."""
        pids = {c.name: c.process.pid for c in self.children if c.process is not None}
        if self.redis is not None:
            pids["redis"] = self.redis.process.pid
        (self.config.data_dir / "pids.json").write_text(json.dumps(pids, indent=2))

    def _spawn(self, child: Child, logs: pathlib.Path) -> None:
        env = {**os.environ, **child.env, "PYTHONUNBUFFERED": "1"}
        with open(logs / f"{child.name}.log", "ab") as out:
            child.process = subprocess.Popen([sys.executable, "-m", child.module], env=env, stdin=subprocess.DEVNULL,
                                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_healthy(self, child: Child, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(child.health):
            assert child.process is not None
            if child.process.poll() is not None:
                raise RuntimeError(f"{child.name} exited with code {child.process.returncode} during start-up:\n"
                                   + self.log_tail(child.name))
            if time.monotonic() > deadline:
                raise TimeoutError(f"{child.name} was not healthy within {timeout:.0f}s:\n" + self.log_tail(child.name))
            time.sleep(0.1)

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.config.data_dir / "logs" / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def exited(self) -> list[Child]:
        return [c for c in self.children if c.process is not None and c.process.poll() is not None]

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM every child (reverse order: edges first), wait, SIGKILL stragglers, stop Redis."""
        running = [c for c in reversed(self.children) if c.process is not None]
        for child in running:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(child, signal.SIGKILL)  # whatever the child left in its group
            child.process.wait()
        if self.redis is not None:
            self.redis.stop()


def _signal_group(child: Child, sig: int) -> None:
    assert child.process is not None
    try:
        os.killpg(child.process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def healthy(check: str) -> bool:
    kind, _, target = check.partition(":")
    if kind == "grpc":
        return asyncio.run(rpc_server.check_health(target, timeout=1.0))
    try:
        with urllib.request.urlopen(target, timeout=1.0) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False
