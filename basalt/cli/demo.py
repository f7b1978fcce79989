"""Submit a job to the gateway, print its progress until it ends, then print its pods' output."""

from __future__ import annotations

import json
import pathlib
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import yaml

FINISHED = {"Completed", "Failed", "Terminated", "Aborted"}


def request(method: str, url: str, body: bytes | None = None, content_type: str = "application/json") -> Any:
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=30) as reply:
        data = reply.read()
    return json.loads(data) if reply.headers.get_content_type() == "application/json" else data.decode()


def follow(server: str, path: pathlib.Path, *, stop: threading.Event, timeout: float = 600.0) -> int:
    job = yaml.safe_load(path.read_text())
    ns = (job.get("metadata") or {}).get("namespace") or "default"
    name = job["metadata"]["name"]
    base = f"{server}/apis/batch.volcano.sh/v1alpha1/namespaces/{ns}/jobs"
    try:
        request("POST", base, json.dumps(job).encode())
    except urllib.error.HTTPError as exc:
        print(f"submit failed: {exc.code} {json.loads(exc.read()).get('message')}", flush=True)
        return 1
    print(f"submitted job {ns}/{name}", flush=True)
    phase = _wait(server, base, ns, name, stop, timeout)
    _print_logs(server, ns, name)
    print(f"job {ns}/{name} finished: {phase}", flush=True)
    return 0 if phase == "Completed" else 1


def _wait(server: str, base: str, ns: str, name: str, stop: threading.Event, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while not stop.is_set() and time.monotonic() < deadline:
        status = request("GET", f"{base}/{name}").get("status") or {}
        phase = (status.get("state") or {}).get("phase", "Pending")
        line = (f"  job {name}: {phase:<10} pending={status.get('pending', 0)} running={status.get('running', 0)} "
                f"succeeded={status.get('succeeded', 0)} failed={status.get('failed', 0)}")
        if line != last:
            print(line, flush=True)
            last = line
        if phase in FINISHED:
            return str(phase)
        stop.wait(0.5)
    return "Unknown (stopped waiting)"


def _print_logs(server: str, ns: str, name: str) -> None:
    selector = urllib.parse.quote(f"volcano.sh/job-name={name}")
    pods = request("GET", f"{server}/api/v1/namespaces/{ns}/pods?labelSelector={selector}").get("items") or []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        pod_name = pod["metadata"]["name"]
        node = (pod.get("spec") or {}).get("nodeName", "-")
        print(f"--- {pod_name} on {node} ({(pod.get('status') or {}).get('phase')}) ---", flush=True)
        print(request("GET", f"{server}/api/v1/namespaces/{ns}/pods/{pod_name}/log").rstrip(), flush=True)
