"""What a process-runtime pod leaves on this machine: its working directory (as the agent lays it
out, ``<work dir>/pods/<ns>_<name>_<uid>`` with ``work dir = <data dir>/pods``), the svc host
files inside it, and the processes running there."""

from __future__ import annotations

import os
import pathlib
from typing import Any

from tests.e2e.stackproc import alive

Obj = dict[str, Any]


def pods_root(data_dir: pathlib.Path) -> pathlib.Path:
    return data_dir / "pods" / "pods"


def pod_dir(data_dir: pathlib.Path, pod: Obj) -> pathlib.Path:
    md = pod["metadata"]
    return pods_root(data_dir) / f"{md.get('namespace', 'default')}_{md['name']}_{md['uid']}"


def runs_of(data_dir: pathlib.Path, name: str, namespace: str = "default") -> list[pathlib.Path]:
    """The working directories of every pod that ran under this name (one per uid; they are kept)."""
    return sorted(pods_root(data_dir).glob(f"{namespace}_{name}_*"))


def host_file(data_dir: pathlib.Path, pod: Obj, task: str) -> pathlib.Path:
    """Where the svc plugin's ``<task>.host`` is seen by the pod (Volcano mounts it at /etc/volcano)."""
    return pod_dir(data_dir, pod) / "etc" / "volcano" / f"{task}.host"


def host_lines(data_dir: pathlib.Path, pod: Obj, task: str) -> list[str] | None:
    """The hosts listed in the pod's ``<task>.host``, or None while it does not exist."""
    try:
        return [line for line in host_file(data_dir, pod, task).read_text().splitlines() if line]
    except FileNotFoundError:
        return None


def processes_in(directory: pathlib.Path) -> list[int]:
    """Live pids whose working directory is ``directory`` or below it."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if pathlib.Path(os.readlink(proc / "cwd")).is_relative_to(directory) and alive(int(proc.name)):
                    found.append(int(proc.name))
            except OSError:
                continue  # exited meanwhile, or not ours to read
    return found
