"""Scheduler instances as separate processes (one core each), to race, measure or kill -9."""

from __future__ import annotations

import asyncio
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Instance:
    instance_id: str
    address: str
    process: subprocess.Popen[bytes]
    log: pathlib.Path

    def kill(self) -> None:
        """kill -9: no clean stop, the lease is left to expire."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def free_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def start(redis_url: str, instance_id: str, log_dir: pathlib.Path, **settings: str | float | int) -> Instance:
    """``python -m services.scheduler`` with BASALT_<SETTING> for each keyword."""
    address = free_address()
    env = {**os.environ, "BASALT_REDIS_URL": redis_url, "BASALT_INSTANCE_ID": instance_id,
           "BASALT_LISTEN": address, "PYTHONUNBUFFERED": "1"}
    env.update({f"BASALT_{k.upper()}": str(v) for k, v in settings.items()})
    log = log_dir / f"{instance_id}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.scheduler"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=pathlib.Path(__file__).resolve().parent.parent)
    return Instance(instance_id, address, proc, log)


async def wait_ready(instances: list[Instance], timeout: float = 120.0) -> None:
    """Until each instance logs that it serves (its cache is synced), or raise with its log."""
    deadline = time.monotonic() + timeout
    for inst in instances:
        while "serving on" not in inst.output():
            if inst.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{inst.instance_id} did not start:\n{inst.output()}")
            await asyncio.sleep(0.05)  # polling a log file, bounded by the deadline
