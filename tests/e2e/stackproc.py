"""Start and stop `basalt up` as a subprocess, as a user would run it."""

from __future__ import annotations

import json
import os
import pathlib
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field


@dataclass
class UpProcess:
    process: subprocess.Popen[str]
    data_dir: pathlib.Path
    url: str = ""
    output: list[str] = field(default_factory=list)

    def pids(self) -> dict[str, int]:
        pids: dict[str, int] = json.loads((self.data_dir / "pids.json").read_text())
        return pids

    def stop(self, timeout: float = 60.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def start_up(data_dir: pathlib.Path, *args: str, timeout: float = 90.0) -> UpProcess:
    """Start `basalt up --port 0` and wait for the line that gives the gateway URL."""
    cmd = [sys.executable, "-m", "basalt.cli.main", "up", "--port", "0", "--data-dir", str(data_dir), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    up = UpProcess(proc, data_dir)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            up.stop()
            raise TimeoutError("basalt up did not report its gateway:\n" + "".join(up.output)) from None
        if line is None:
            raise RuntimeError("basalt up exited:\n" + "".join(up.output))
        up.output.append(line)
        if "gateway: " in line:
            up.url = line.split("gateway: ", 1)[1].strip()
            return up


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes (its parent has not reaped it yet).
    stat = pathlib.Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"))
