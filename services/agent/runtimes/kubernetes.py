"""The kubernetes runtime: a real cluster's nodes become Basalt nodes, and each pod Basalt binds to
one of them runs as a Kubernetes Pod there.

- ``nodes`` lists the cluster's nodes (those matching ``k8s_node_selector``) for registration.
- ``start`` creates the Pod in ``k8s_namespace`` with ``spec.nodeName`` set: the kube-scheduler is
  bypassed, Basalt already decided. A Pod with the same uid label that already exists (the agent
  restarted) is adopted instead.
- One list+watch of the namespace follows every Pod; a Pod's status becomes its outcome, and each
  container's log is followed into the agent's sink as soon as the container has started.
- ``kill`` deletes the Pod with its grace period and returns once it is gone.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from kubernetes_asyncio import client

from basalt.api import meta
from services.agent import backoff, settings as agent_settings
from services.agent.runtimes import base, kube_client, kube_logs, kube_objects, kube_watch

log = logging.getLogger("basalt.agent.kubernetes")

DEFAULT_GRACE = 30  # Kubernetes' default terminationGracePeriodSeconds
KILL_MARGIN = 10.0  # beyond the grace period, how long a kill waits for the kubelet
CREATE_ATTEMPTS = 5  # with the agent's backoff: about 1.5 s of retries before a pod is refused
LOG_DRAIN_SECONDS = 5.0  # after a pod ended, how long its log streams may take to finish


class KubePod:
    """One Basalt pod running as a Kubernetes Pod; the runtime feeds it what the watch sees."""

    def __init__(self, runtime: KubernetesRuntime, pod: base.Pod, node: str, sink: base.Sink) -> None:
        self.runtime = runtime
        self.pod = pod
        self.node = node
        self.sink = sink
        self.name = kube_objects.kube_name(pod)
        self.killed = False
        self.deleted = False  # the Kubernetes Pod is known to be gone
        self.created_at: float | None = None  # loop time once the API server has the Pod
        self.last: meta.Obj | None = None
        self.is_running = asyncio.Event()
        self.ran = False  # some container of it ran (seen Running, or ended with a container's exit)
        self.ended: asyncio.Future[base.Outcome] = asyncio.get_running_loop().create_future()
        self._logs: dict[tuple[str, int], asyncio.Task[None]] = {}  # by container and restart count
        self._finishing: asyncio.Task[None] | None = None

    async def wait(self) -> base.Outcome:
        return await asyncio.shield(self.ended)

    async def running(self) -> bool:
        """Once Kubernetes reports the Pod Running: True. False when it ended first without any
        container having run (refused by the API server or the kubelet, deleted while pending)."""
        waiter = asyncio.ensure_future(self.is_running.wait())
        either: set[asyncio.Future[Any]] = {waiter, self.ended}
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        return self.ran

    def observe(self, kube_pod: meta.Obj) -> None:
        """A new state of the Kubernetes Pod (from the watch, a listing, or a read)."""
        if self._finishing is not None:
            return
        self.last = kube_pod
        for run in kube_objects.started_containers(kube_pod):
            if run not in self._logs:
                self._logs[run] = asyncio.create_task(self._follow(run), name=f"agent-k8s-log-{self.name}-{run[0]}")
        outcome = kube_objects.outcome(kube_pod)
        if kube_objects.phase(kube_pod) == "Running" or (outcome is not None and outcome.exit_code != base.START_ERROR_EXIT):
            self.ran = True  # a pod that ran and ended between two watch events ran all the same
            self.is_running.set()
        if outcome is not None:
            # A pod killed on request ends as Killed, whatever its containers said on the way out.
            self.finish(kube_objects.deleted_outcome(kube_pod, killed=True) if self.killed else outcome)

    def gone(self) -> None:
        """The Kubernetes Pod no longer exists."""
        self.deleted = True
        self.finish(kube_objects.deleted_outcome(self.last, self.killed))

    def finish(self, outcome: base.Outcome) -> None:
        if self._finishing is None and not self.ended.done():
            self._finishing = asyncio.create_task(self._finish(outcome), name=f"agent-k8s-end-{self.name}")

    async def _finish(self, outcome: base.Outcome) -> None:
        # The agent sends the log before the terminal status, so the log streams get to finish
        # (they end with the container) before the outcome is known.
        if self._logs:
            _, late = await asyncio.wait(self._logs.values(), timeout=LOG_DRAIN_SECONDS)
            for task in late:
                task.cancel()
        self.is_running.set()
        self.ended.set_result(outcome)

    async def _follow(self, run: tuple[str, int]) -> None:
        """Follow one run of a container's log until that run has ended, resuming broken streams."""
        container = run[0]
        lines = kube_logs.Lines(self.sink)
        delays = backoff.Backoff()
        core = await self.runtime.core()
        while True:
            try:
                await kube_logs.follow(core, self.runtime.namespace, self.name, container, lines)
            except kube_client.ApiException as exc:
                log.warning("log of %s/%s container %s: %s %s", self.runtime.namespace, self.name, container,
                            exc.status, exc.reason)
                return
            except (OSError, asyncio.TimeoutError, aiohttp.ClientError) as exc:
                log.info("log of %s/%s container %s broke (%s); resuming", self.runtime.namespace, self.name,
                         container, _describe(exc))
            else:
                # The stream ends when the container does; the watch may not have said so yet.
                if self._finishing is not None or kube_objects.run_ended(self.last or {}, *run):
                    lines.flush()
                    return
            lines.discard_partial()
            await delays.wait()

    def stop_logs(self) -> None:
        for task in [*self._logs.values(), *([self._finishing] if self._finishing else [])]:
            task.cancel()


class KubernetesRuntime:
    def __init__(self, settings: agent_settings.Settings) -> None:
        self.settings = settings
        self.namespace = settings.k8s_namespace
        self._connection: kube_client.Connection | None = None
        self._connecting = asyncio.Lock()
        self._pods: dict[str, KubePod] = {}
        self.watch: kube_watch.PodWatch | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._cleanups: set[asyncio.Task[None]] = set()
        self._closed = False

    async def core(self) -> client.CoreV1Api:
        async with self._connecting:
            if self._connection is None:
                self._connection = await kube_client.connect(self.settings.k8s_kubeconfig, self.settings.k8s_context)
        return client.CoreV1Api(self._connection.api)

    async def nodes(self, now: str) -> list[meta.Obj]:
        """The cluster's nodes (matching ``k8s_node_selector``) as the Basalt nodes to register."""
        core = await self.core()
        delays = backoff.Backoff()
        while True:  # the agent has nothing to present without the cluster: wait for it
            try:
                listing = await kube_client.json_of(core.list_node(label_selector=self.settings.k8s_node_selector,
                                                                   _preload_content=False))
            except (kube_client.ApiException, aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                if isinstance(exc, kube_client.ApiException) and not kube_client.is_transient(exc):
                    # A bad selector, credentials or RBAC: waiting will not help; stop the agent, saying why.
                    raise RuntimeError(f"cannot list the cluster's nodes: {_describe(exc)}") from exc
                log.warning("cannot list the cluster's nodes: %s; retrying", _describe(exc))
                await delays.wait()
            else:
                return [kube_objects.node_object(node, self.settings.agent_id) for node in listing.get("items") or []]

    async def start(self, pod: base.Pod, node: str, sink: base.Sink) -> base.Handle:
        core = await self.core()
        self._ensure_watch(core)
        uid = meta.uid(pod)
        handle = KubePod(self, pod, node, sink)
        handle.ended.add_done_callback(lambda _: self._ended(uid, handle))
        self._pods[uid] = handle  # before creating: the watch may report the Pod before the reply
        created = await self._create(core, handle)
        handle.created_at = asyncio.get_running_loop().time()
        if created and handle.last is None:  # the watch may already have seen a newer state
            handle.observe(created)
        return handle

    async def _create(self, core: client.CoreV1Api, handle: KubePod) -> meta.Obj | None:
        """Create the Pod, retrying while the API server is unreachable or overloaded; a retry that
        meets the Pod created by an attempt whose answer was lost adopts it."""
        manifest: Any = kube_objects.pod_manifest(handle.pod, handle.node)  # the client sends dicts as they are
        delays = backoff.Backoff()
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return await kube_client.json_of(core.create_namespaced_pod(self.namespace, manifest,
                                                                            _preload_content=False))
            except kube_client.ApiException as exc:
                if exc.status == kube_client.CONFLICT:
                    return await self._adopt(core, handle)
                if not kube_client.is_transient(exc) or attempt == CREATE_ATTEMPTS:
                    self._refused(handle, f"{exc.status} {exc.reason}")
                    return None
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                if attempt == CREATE_ATTEMPTS:
                    self._refused(handle, _describe(exc))
                    return None
            await delays.wait()
        return None

    async def _adopt(self, core: client.CoreV1Api, handle: KubePod) -> meta.Obj | None:
        """The existing Pod of this name when it runs this very pod (the agent restarted)."""
        try:
            existing = await kube_client.json_of(core.read_namespaced_pod(handle.name, self.namespace,
                                                                          _preload_content=False))
        except kube_client.ApiException as exc:
            self._refused(handle, f"{exc.status} {exc.reason}")
            return None
        if kube_objects.pod_uid(existing) != meta.uid(handle.pod):
            self._refused(handle, f"pods {handle.name!r} already exists for another pod")
            return None
        log.info("adopting Kubernetes pod %s/%s for %s", self.namespace, handle.name, meta.key(handle.pod))
        return existing

    def _refused(self, handle: KubePod, problem: str) -> None:
        message = f"Kubernetes refused pod {self.namespace}/{handle.name}: {problem}"
        handle.sink(f"{message}\n".encode())
        handle.finish(base.Outcome(base.START_ERROR_EXIT, base.START_ERROR, message))

    async def kill(self, uid: str) -> None:
        handle = self._pods.get(uid)
        if handle is None:
            return
        handle.killed = True
        grace = _grace(handle.pod)
        delays = backoff.Backoff()
        while True:  # a pod Basalt killed must not keep running: insist while the API server is away
            try:
                await self._delete(handle, grace)
                break
            except (kube_client.ApiException, aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                log.warning("cannot delete Kubernetes pod %s/%s: %s; retrying", self.namespace, handle.name,
                            _describe(exc))
                await delays.wait()
        try:
            await asyncio.wait_for(handle.wait(), grace + KILL_MARGIN)
        except asyncio.TimeoutError:
            log.warning("Kubernetes pod %s/%s still exists %ss after its deletion", self.namespace, handle.name,
                        grace + KILL_MARGIN)
            handle.finish(kube_objects.deleted_outcome(handle.last, killed=True))
            await handle.wait()

    def refresh(self, pod: base.Pod) -> None:
        """Nothing on disk to rewrite for this runtime."""

    async def close(self) -> None:
        """Stop watching; delete every Pod unless ``k8s_keep_pods_on_exit`` (then a restarted agent
        adopts them when the controller assigns them again)."""
        self._closed = True
        if self._watch_task is not None:
            self._watch_task.cancel()
            await asyncio.gather(self._watch_task, return_exceptions=True)
        handles = list(self._pods.values())
        for handle in handles:
            handle.stop_logs()
        if not self.settings.k8s_keep_pods_on_exit:
            results = await asyncio.gather(*(self._delete(h, _grace(h.pod)) for h in handles), return_exceptions=True)
            for handle, result in zip(handles, results):
                if isinstance(result, Exception):
                    log.warning("cannot delete Kubernetes pod %s/%s on exit: %s", self.namespace, handle.name,
                                _describe(result))
        await asyncio.gather(*self._cleanups, return_exceptions=True)
        if self._connection is not None:
            await self._connection.close()

    async def _delete(self, handle: KubePod, grace: int) -> None:
        core = await self.core()
        try:
            options = client.V1DeleteOptions(grace_period_seconds=grace)
            await kube_client.json_of(core.delete_namespaced_pod(handle.name, self.namespace, body=options,
                                                                 _preload_content=False))
        except kube_client.ApiException as exc:
            if exc.status != kube_client.NOT_FOUND:
                raise
            handle.gone()

    def _ended(self, uid: str, handle: KubePod) -> None:
        if self._pods.get(uid) is handle:
            del self._pods[uid]
        if handle.created_at is not None and not (handle.deleted or self.settings.k8s_keep_finished or self._closed):
            # Basalt keeps the status and the log; a finished Pod would only pile up.
            task = asyncio.create_task(self._remove(handle), name=f"agent-k8s-remove-{handle.name}")
            self._cleanups.add(task)
            task.add_done_callback(self._cleanups.discard)

    async def _remove(self, handle: KubePod) -> None:
        try:
            await self._delete(handle, 0)
        except (kube_client.ApiException, OSError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("could not delete finished Kubernetes pod %s/%s: %s", self.namespace, handle.name,
                        _describe(exc))

    def _ensure_watch(self, core: client.CoreV1Api) -> None:
        if self._watch_task is None:
            self.watch = kube_watch.PodWatch(core, self.namespace, kube_objects.SELECTOR, self._on_event,
                                             self._on_listed)
            self._watch_task = asyncio.create_task(self.watch.run(), name="agent-k8s-pod-watch")

    def _on_event(self, kind: str, kube_pod: meta.Obj) -> None:
        handle = self._pods.get(kube_objects.pod_uid(kube_pod))
        if handle is None or meta.name(kube_pod) != handle.name:
            return
        if kind == "DELETED":
            handle.observe(kube_pod)  # its last state may carry the exit codes
            handle.gone()
        else:
            handle.observe(kube_pod)

    def _on_listed(self, kube_pods: list[meta.Obj], asked: float) -> None:
        listed = {kube_objects.pod_uid(p): p for p in kube_pods}
        for uid, handle in list(self._pods.items()):
            if uid in listed:
                handle.observe(listed[uid])
            elif handle.created_at is not None and handle.created_at < asked:
                handle.gone()  # deleted while the watch was away


def _grace(pod: base.Pod) -> int:
    raw = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
    return DEFAULT_GRACE if raw is None else max(0, int(raw))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, kube_client.ApiException):
        return f"{exc.status} {exc.reason}"
    return str(exc) or type(exc).__name__
