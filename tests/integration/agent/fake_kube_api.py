"""A fake Kubernetes API server (aiohttp, 127.0.0.1:0) for the agent's ``kubernetes`` runtime.

Faithful to the real API for what the runtime uses, so kubernetes-asyncio talks to it unchanged:

- ``GET /api/v1/nodes`` (``labelSelector``): a ``NodeList`` with ``metadata.resourceVersion``.
- ``POST /api/v1/namespaces/{ns}/pods``: 201 and the stored Pod (uid, resourceVersion, Pending);
  409 ``AlreadyExists``, 404 for a namespace that does not exist, 422 ``Invalid``.
- ``GET .../pods`` (``labelSelector``): a ``PodList``; with ``watch=true``: newline-delimited
  ``{"type", "object"}`` events from ``resourceVersion`` (initial ADDED events when it is empty or
  "0"), ended after ``timeoutSeconds``; a version older than the last compaction gets an ERROR event
  carrying a 410 ``Expired`` Status, as the real server sends it.
- ``GET/DELETE .../pods/{name}``: 404 ``NotFound``; DELETE honours the grace period: a running pod
  gets ``deletionTimestamp`` and is removed by the "kubelet"; a finished one, or grace 0, at once.
- ``GET .../pods/{name}/log`` (``container``, ``follow``, ``timestamps``, ``sinceSeconds``):
  chunked text, following until the container ends; 400 while it is waiting to start.

Errors are ``Status`` objects shaped exactly as Kubernetes writes them. Every request must carry
the kubeconfig's bearer token (401 otherwise).

The test plays the kubelet: ``run``, ``finish``, ``reject`` and ``log`` move pods along, and
``drop_watches``, ``drop_log_streams``, ``hold_watches`` and ``compact`` break streams the ways a
real network and etcd do.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import pathlib
import time
import uuid
from collections.abc import Mapping
from typing import Any

from aiohttp import web

Obj = dict[str, Any]
TOKEN = "basalt-test-token"
_request_ids = itertools.count()


def status(code: int, reason: str, message: str, name: str = "", kind: str = "") -> Obj:
    """A Kubernetes ``Status`` as the API server writes it for a failed request."""
    body: Obj = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                 "message": message, "reason": reason, "code": code}
    if name or kind:
        body["details"] = {key: value for key, value in (("name", name), ("kind", kind)) if value}
    return body


def _error(code: int, reason: str, message: str, name: str = "", kind: str = "") -> web.Response:
    return web.json_response(status(code, reason, message, name, kind), status=code)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def matches(selector: str, labels: Mapping[str, str]) -> bool:
    """Equality-based label selectors: ``k``, ``!k``, ``k=v``, ``k==v``, ``k!=v``, comma-joined."""
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        if "!=" in term:
            key, value = (part.strip() for part in term.split("!=", 1))
            ok = labels.get(key) != value
        elif "=" in term:
            key, value = (part.strip() for part in term.replace("==", "=").split("=", 1))
            ok = labels.get(key) == value
        elif term.startswith("!"):
            ok = term[1:].strip() not in labels
        else:
            ok = term in labels
        if not ok:
            return False
    return True


def _labels(obj: Obj) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}


class FakeKubeApi:
    def __init__(self, namespaces: tuple[str, ...] = ("default", "basalt-pods")) -> None:
        self.namespaces = set(namespaces)
        self.version = 0
        self.nodes: dict[str, Obj] = {}
        self.pods: dict[tuple[str, str], Obj] = {}
        # Each container's log as the kubelet keeps it: (nanoseconds since the epoch, text) entries.
        self.logs: dict[tuple[str, str, str], list[tuple[int, bytes]]] = {}
        self._last_stamp = 0
        self.history: list[tuple[int, str, Obj]] = []  # (resourceVersion, event type, pod)
        self.compacted = 0  # watches from before this version are answered 410
        self.changed = asyncio.Condition()
        self.watches_open = asyncio.Event()  # cleared: new watch requests wait (see hold_watches)
        self.watches_open.set()
        self.kubelet_deletes = True  # the "kubelet" finishes graceful deletions at once
        self.requests: list[tuple[str, str]] = []  # (method, path?query) in arrival order
        self.deletions: list[tuple[str, int | None]] = []  # (pod name, grace period asked)
        self._watchers: dict[int, web.Request] = {}
        self._log_readers: dict[int, web.Request] = {}
        self._faults: list[tuple[str, int, bool]] = []  # (method, status, apply the request first)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- serving -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._authenticate])
        app.router.add_get("/api/v1/nodes", self._list_nodes)
        app.router.add_get("/api/v1/namespaces/{ns}/pods", self._list_pods)
        app.router.add_post("/api/v1/namespaces/{ns}/pods", self._create_pod)
        app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}", self._read_pod)
        app.router.add_delete("/api/v1/namespaces/{ns}/pods/{name}", self._delete_pod)
        app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}/log", self._read_log)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.drop_watches()
        assert self._runner is not None
        await self._runner.cleanup()

    def kubeconfig(self, path: pathlib.Path) -> pathlib.Path:
        """Write a kubeconfig for this server (bearer token auth) to ``path``."""
        path.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "tester", "user": {"token": TOKEN}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "tester"}}],
        }))
        return path

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(401, "Unauthorized", "Unauthorized")
        fault = next((f for f in self._faults if f[0] == request.method), None)
        if fault is not None:
            self._faults.remove(fault)
            if fault[2]:
                await handler(request)  # done, but the answer is lost on the way back
            return _error(fault[1], "InternalError", "an error on the server has prevented the request from succeeding")
        response: web.StreamResponse = await handler(request)
        return response

    def fail_next(self, method: str, code: int, after_applying: bool = False) -> None:
        """Answer the next ``method`` request with ``code``, optionally after carrying it out."""
        self._faults.append((method, code, after_applying))

    # -- the kubelet's side, for tests --------------------------------------------------------

    def add_node(self, name: str, allocatable: Mapping[str, str], labels: Mapping[str, str] | None = None,
                 taints: list[Obj] | None = None) -> Obj:
        self.version += 1
        node: Obj = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": str(uuid.uuid4()), "resourceVersion": str(self.version),
                         "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", **(labels or {})}},
            "spec": {"taints": list(taints)} if taints else {},
            "status": {"capacity": dict(allocatable), "allocatable": dict(allocatable),
                       "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                       "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
                       "nodeInfo": {"kubeletVersion": "v1.30.0"}},
        }
        self.nodes[name] = node
        return node

    def pod(self, namespace: str, name: str) -> Obj:
        return self.pods[(namespace, name)]

    def pod_named(self, label_uid: str) -> Obj | None:
        """The pod whose ``basalt.io/pod-uid`` label is ``label_uid``."""
        return next((p for p in self.pods.values() if _labels(p).get("basalt.io/pod-uid") == label_uid), None)

    async def run(self, namespace: str, name: str) -> None:
        """Pending -> Running: init containers completed, app containers running."""
        pod = self.pod(namespace, name)
        pod["status"].update({
            "phase": "Running", "startTime": _now(), "hostIP": "10.0.0.1", "podIP": "10.1.0.7",
            "conditions": [{"type": "Ready", "status": "True"}],
            "initContainerStatuses": _statuses(pod, "initContainers", {"terminated": _ended(0)}),
            "containerStatuses": _statuses(pod, "containers", {"running": {"startedAt": _now()}}),
        })
        await self._changed("MODIFIED", pod)

    async def finish(self, namespace: str, name: str, exit_codes: Mapping[str, int] | None = None) -> None:
        """Running -> Succeeded, or Failed when a container exits non-zero (``exit_codes`` by name)."""
        pod = self.pod(namespace, name)
        codes = {c["name"]: (exit_codes or {}).get(c["name"], 0) for c in pod["spec"]["containers"]}
        pod["status"]["containerStatuses"] = [
            {"name": n, "ready": False, "restartCount": 0, "state": {"terminated": _ended(code)}}
            for n, code in sorted(codes.items())]
        pod["status"]["phase"] = "Failed" if any(codes.values()) else "Succeeded"
        await self._changed("MODIFIED", pod)

    async def reject(self, namespace: str, name: str, reason: str, message: str) -> None:
        """The kubelet refuses the pod at admission (no container ever runs)."""
        pod = self.pod(namespace, name)
        pod["status"].update({"phase": "Failed", "reason": reason, "message": message})
        await self._changed("MODIFIED", pod)

    async def log(self, namespace: str, name: str, container: str, text: str) -> None:
        """The container writes ``text``: one log entry, stamped now."""
        self._last_stamp = max(time.time_ns(), self._last_stamp + 1)
        self.logs.setdefault((namespace, name, container), []).append((self._last_stamp, text.encode()))
        async with self.changed:
            self.changed.notify_all()

    async def complete_deletion(self, namespace: str, name: str) -> None:
        """The kubelet has stopped a pod being deleted: containers end (SIGTERM, 143), pod removed."""
        pod = self.pod(namespace, name)
        if pod["status"].get("phase") not in ("Succeeded", "Failed"):
            pod["status"]["containerStatuses"] = [
                {"name": c["name"], "ready": False, "restartCount": 0, "state": {"terminated": _ended(143)}}
                for c in sorted(pod["spec"]["containers"], key=lambda c: str(c["name"]))]
            pod["status"]["phase"] = "Failed"
            await self._changed("MODIFIED", pod)
        del self.pods[(namespace, name)]
        await self._changed("DELETED", pod)

    def drop_watches(self) -> None:
        """Cut every open watch connection, as a network failure would (no clean end of stream)."""
        for request in list(self._watchers.values()):
            if request.transport is not None:
                request.transport.close()
        self._watchers.clear()
        asyncio.ensure_future(self._wake())  # their handlers notice and return

    async def _wake(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    def drop_log_streams(self) -> None:
        """Cut every open log stream, as a network failure would."""
        for request in list(self._log_readers.values()):
            if request.transport is not None:
                request.transport.close()
        self._log_readers.clear()
        asyncio.ensure_future(self._wake())

    def hold_watches(self) -> None:
        """New watch requests wait until ``release_watches``."""
        self.watches_open.clear()

    def release_watches(self) -> None:
        self.watches_open.set()

    def compact(self) -> None:
        """Forget the history so far, as etcd compaction does: older versions get 410."""
        self.compacted = self.version
        self.history.clear()

    def open_watches(self) -> int:
        return len(self._watchers)

    def watch_count(self) -> int:
        return sum(1 for method, path in self.requests if method == "GET" and "watch=" in path)

    async def _changed(self, kind: str, pod: Obj) -> None:
        self.version += 1
        pod["metadata"]["resourceVersion"] = str(self.version)
        self.history.append((self.version, kind, json.loads(json.dumps(pod))))
        async with self.changed:
            self.changed.notify_all()

    # -- handlers --------------------------------------------------------------------------------

    async def _list_nodes(self, request: web.Request) -> web.Response:
        selector = request.query.get("labelSelector", "")
        items = [n for n in self.nodes.values() if matches(selector, _labels(n))]
        return web.json_response({"kind": "NodeList", "apiVersion": "v1",
                                  "metadata": {"resourceVersion": str(self.version)}, "items": items})

    async def _list_pods(self, request: web.Request) -> web.StreamResponse:
        namespace = request.match_info["ns"]
        selector = request.query.get("labelSelector", "")
        if request.query.get("watch") in ("true", "1", "True"):
            return await self._watch(request, namespace, selector)
        items = [p for (ns, _), p in self.pods.items() if ns == namespace and matches(selector, _labels(p))]
        return web.json_response({"kind": "PodList", "apiVersion": "v1",
                                  "metadata": {"resourceVersion": str(self.version)}, "items": items})

    async def _create_pod(self, request: web.Request) -> web.Response:
        namespace = request.match_info["ns"]
        if namespace not in self.namespaces:
            return _error(404, "NotFound", f'namespaces "{namespace}" not found', namespace, "namespaces")
        pod: Obj = await request.json()
        meta = pod.setdefault("metadata", {})
        name = str(meta.get("name") or "")
        if not name or not (pod.get("spec") or {}).get("containers"):
            return _error(422, "Invalid", f'Pod "{name}" is invalid: spec.containers: Required value', name, "Pod")
        if meta.get("namespace", namespace) != namespace:
            return _error(400, "BadRequest", "the namespace of the provided object does not match the namespace "
                                             "sent on the request")
        if (namespace, name) in self.pods:
            return _error(409, "AlreadyExists", f'pods "{name}" already exists', name, "pods")
        meta.update({"namespace": namespace, "uid": str(uuid.uuid4()), "creationTimestamp": _now()})
        pod["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
        self.pods[(namespace, name)] = pod
        await self._changed("ADDED", pod)
        return web.json_response(pod, status=201)

    async def _read_pod(self, request: web.Request) -> web.Response:
        pod = self.pods.get((request.match_info["ns"], request.match_info["name"]))
        if pod is None:
            return _not_found(request.match_info["name"])
        return web.json_response(pod)

    async def _delete_pod(self, request: web.Request) -> web.Response:
        namespace, name = request.match_info["ns"], request.match_info["name"]
        pod = self.pods.get((namespace, name))
        options: Obj = (await request.json()) if request.can_read_body else {}
        grace = options.get("gracePeriodSeconds", request.query.get("gracePeriodSeconds"))
        self.deletions.append((name, None if grace is None else int(grace)))
        if pod is None:
            return _not_found(name)
        terminal = pod["status"].get("phase") in ("Succeeded", "Failed")
        if grace is None:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        if terminal or int(grace) == 0:
            del self.pods[(namespace, name)]
            await self._changed("DELETED", pod)
            return web.json_response(pod)
        if "deletionTimestamp" not in pod["metadata"]:
            pod["metadata"].update({"deletionTimestamp": _now(), "deletionGracePeriodSeconds": int(grace)})
            await self._changed("MODIFIED", pod)
            if self.kubelet_deletes:
                asyncio.get_running_loop().call_soon(
                    lambda: asyncio.ensure_future(self.complete_deletion(namespace, name)))
        return web.json_response(pod)

    async def _read_log(self, request: web.Request) -> web.StreamResponse:
        namespace, name = request.match_info["ns"], request.match_info["name"]
        pod = self.pods.get((namespace, name))
        if pod is None:
            return _not_found(name)
        names = [c["name"] for c in [*(pod["spec"].get("initContainers") or []), *pod["spec"]["containers"]]]
        container = request.query.get("container") or (names[0] if len(names) == 1 else "")
        if not container:
            return _error(400, "BadRequest", f"a container name must be specified for pod {name}, "
                                             f"choose one of: [{' '.join(names)}]")
        if container not in names:
            return _error(400, "BadRequest", f"container {container} is not valid for pod {name}")
        if _container_state(pod, container) in ("", "waiting"):
            return _error(400, "BadRequest",
                          f'container "{container}" in pod "{name}" is waiting to start: ContainerCreating')
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        reader = next(_request_ids)
        self._log_readers[reader] = request
        try:
            await self._stream_log(response, reader, (namespace, name, container), request.query)
            await response.write_eof()
        except ConnectionError:
            pass  # the test dropped this stream
        finally:
            self._log_readers.pop(reader, None)
        return response

    async def _stream_log(self, response: web.StreamResponse, reader: int, key: tuple[str, str, str],
                          query: Mapping[str, str]) -> None:
        follow = query.get("follow") in ("true", "1", "True")
        stamped = query.get("timestamps") in ("true", "1", "True")
        since = time.time_ns() - int(query["sinceSeconds"]) * 10**9 if "sinceSeconds" in query else 0
        sent = 0
        while reader in self._log_readers:
            entries = self.logs.get(key, [])
            for stamp, text in entries[sent:]:
                if stamp >= since:  # the kubelet stamps each entry; timestamps=true shows it first
                    await response.write((_rfc3339_nano(stamp) + " ").encode() + text if stamped else text)
            sent = len(entries)
            pod = self.pods.get(key[:2])
            if not follow or pod is None or _container_state(pod, key[2]) == "terminated":
                return
            async with self.changed:
                await self.changed.wait()

    async def _watch(self, request: web.Request, namespace: str, selector: str) -> web.StreamResponse:
        await self.watches_open.wait()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        watch_id = next(_request_ids)
        self._watchers[watch_id] = request
        try:
            await self._send_events(response, watch_id, namespace, selector, request.query)
        except ConnectionError:
            pass  # the test dropped this watch
        finally:
            self._watchers.pop(watch_id, None)
        return response

    async def _send_events(self, response: web.StreamResponse, watch_id: int, namespace: str, selector: str,
                           query: Mapping[str, str]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(query.get("timeoutSeconds") or 1800)
        requested = query.get("resourceVersion", "")

        def wanted(pod: Obj) -> bool:
            return bool(pod["metadata"]["namespace"] == namespace and matches(selector, _labels(pod)))

        async def send(kind: str, obj: Obj) -> None:
            await response.write(json.dumps({"type": kind, "object": obj}).encode() + b"\n")

        if requested in ("", "0"):
            for pod in [p for p in self.pods.values() if wanted(p)]:
                await send("ADDED", pod)
            since = self.version
        elif int(requested) < self.compacted:
            await send("ERROR", status(410, "Expired", f"too old resource version: {requested} ({self.compacted})"))
            return
        else:
            since = int(requested)
        while watch_id in self._watchers:
            for version, kind, pod in [e for e in self.history if e[0] > since]:
                since = version
                if wanted(pod):
                    await send(kind, pod)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            async with self.changed:
                try:
                    await asyncio.wait_for(self.changed.wait(), remaining)
                except asyncio.TimeoutError:
                    return


def _rfc3339_nano(stamp: int) -> str:
    """Go's RFC3339Nano, as the kubelet writes log timestamps: the fraction's zeros trimmed."""
    seconds, nanos = divmod(stamp, 10**9)
    base = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f".{nanos:09d}".rstrip("0") if nanos else ""
    return f"{base}{fraction}Z"


def _not_found(name: str) -> web.Response:
    return _error(404, "NotFound", f'pods "{name}" not found', name, "pods")


def _ended(exit_code: int) -> Obj:
    return {"exitCode": exit_code, "reason": "Completed" if exit_code == 0 else "Error",
            "startedAt": _now(), "finishedAt": _now()}


def _statuses(pod: Obj, field: str, state: Obj) -> list[Obj]:
    # The kubelet lists container statuses sorted by name, not in spec order.
    names = sorted(str(c["name"]) for c in pod["spec"].get(field) or [])
    return [{"name": n, "ready": "running" in state, "restartCount": 0, "state": dict(state)} for n in names]


def _container_state(pod: Obj, container: str) -> str:
    statuses = [*(pod["status"].get("initContainerStatuses") or []), *(pod["status"].get("containerStatuses") or [])]
    for entry in statuses:
        if entry["name"] == container:
            return next(iter(entry.get("state") or {}), "")
    return ""
