"""The pods this agent runs: what RUN and KILL assignments do, and each pod's life as reported.

RUN is idempotent per ``metadata.uid``: a pod running here, or finished here recently, is not
started again when the controller repeats its assignments after a reconnect. Reports go out in
order per pod (Running, then the terminal phase after the last log chunk); a report the controller
does not accept means the pod is gone, so it is stopped and forgotten.
"""

from __future__ import annotations

import asyncio
import collections
import logging

from basalt.api import meta
from basalt.v1 import nodes_pb2
from services.agent import link as agent_link
from services.agent import logs
from services.agent.runtimes import base

log = logging.getLogger("basalt.agent.pods")

RUNNING = "Running"
# Finished uids remembered so a RUN repeated from a stale assignment list is a no-op.
REMEMBER_FINISHED = 100_000


class LocalPod:
    def __init__(self, pod: base.Pod, node: str) -> None:
        self.pod = pod
        self.node = node
        self.started = asyncio.Event()
        self.killed = False
        self.task: asyncio.Task[None] | None = None


class Pods:
    def __init__(self, runtime: base.Runtime, link: agent_link.Link, default_node: str) -> None:
        self.runtime = runtime
        self.link = link
        self.default_node = default_node
        self.local: dict[str, LocalPod] = {}
        self.finished: collections.OrderedDict[str, None] = collections.OrderedDict()
        self.closing = False
        self._kills: set[asyncio.Task[None]] = set()

    def run(self, pod: base.Pod) -> None:
        uid = meta.uid(pod)
        if uid in self.local and not self.closing:
            self.runtime.refresh(pod)  # a repeated RUN carries the pod's current object
            return
        if self.closing or uid in self.finished:
            return
        node = str((pod.get("spec") or {}).get("nodeName") or self.default_node)
        local = LocalPod(pod, node)
        self.local[uid] = local
        local.task = asyncio.create_task(self._life(local), name=f"agent-pod-{meta.key(pod)}")

    def kill(self, uid: str) -> None:
        local = self.local.get(uid)
        if local is None or local.killed:
            return
        local.killed = True
        task = asyncio.create_task(self._kill(local), name=f"agent-kill-{meta.key(local.pod)}")
        self._kills.add(task)
        task.add_done_callback(self._kills.discard)

    async def close(self) -> None:
        """Stop every pod and report nothing more: the agent is going away."""
        self.closing = True
        tasks = [local.task for local in self.local.values() if local.task is not None] + list(self._kills)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.runtime.close()

    async def _kill(self, local: LocalPod) -> None:
        # The runtime learns the uid only once start() returned; a KILL may come before that.
        await local.started.wait()
        await self.runtime.kill(meta.uid(local.pod))

    async def _life(self, local: LocalPod) -> None:
        pod = local.pod
        shipper = logs.LogShipper(lambda data: self.link.append_log(pod, data))
        try:
            try:
                handle = await self.runtime.start(pod, local.node, shipper.write)
            except Exception as exc:  # noqa: BLE001 - a pod the runtime cannot start still gets a status
                log.exception("could not start pod %s", meta.key(pod))
                await self._report(local, base.Outcome(base.START_ERROR_EXIT, base.START_ERROR, str(exc)), base.FAILED)
                return
            local.started.set()  # a KILL can reach it now, before it runs
            # Running is reported when the pod runs: a Kubernetes Pod may wait minutes for its image.
            if await handle.running() and not await self._report(local, base.Outcome(0), RUNNING):
                log.info("pod %s is gone from the controller; stopping it", meta.key(pod))
                await self.runtime.kill(meta.uid(pod))
                return
            outcome = await handle.wait()
            await shipper.close()
            await self._report(local, outcome, outcome.phase)
        finally:
            local.started.set()  # a pending KILL must not wait for a start that will not come
            shipper.abandon()
            self._forget(meta.uid(pod))

    async def _report(self, local: LocalPod, outcome: base.Outcome, phase: str) -> bool:
        pod = local.pod
        return await self.link.report(nodes_pb2.PodStatusReport(
            namespace=meta.namespace(pod), name=meta.name(pod), uid=meta.uid(pod), phase=phase,
            exit_code=outcome.exit_code, reason=outcome.reason, message=outcome.message, node_name=local.node))

    def _forget(self, uid: str) -> None:
        self.local.pop(uid, None)
        self.finished[uid] = None
        while len(self.finished) > REMEMBER_FINISHED:
            self.finished.popitem(last=False)
