"""The process runtime: each container is a local subprocess in its own process group.

Init containers run one after another, then the app containers together; the pod ends when all
app containers have ended. Each pod gets a working directory under the agent's work dir, shared
by its containers, with the captured output kept beside it in ``basalt.log``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import signal
from collections.abc import Mapping
from typing import Any

from basalt.api import meta
from services.agent import environment
from services.agent.runtimes import base, podfiles

LOG_FILE = "basalt.log"
READ_SIZE = 64 * 1024
DEFAULT_GRACE = 30.0
GRACE_CAP = 10.0  # a local agent should not hang for minutes on a stubborn process


def grace_seconds(pod: base.Pod, cap: float = GRACE_CAP) -> float:
    raw = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
    grace = DEFAULT_GRACE if raw is None else float(raw)
    return max(0.0, min(grace, cap))


def exit_code(returncode: int) -> int:
    """A shell-style exit code: death by signal N is 128 + N, as Kubernetes reports it."""
    return 128 - returncode if returncode < 0 else returncode


def signal_group(proc: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    # The container's children share its process group (start_new_session), so they go too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


async def exited(proc: asyncio.subprocess.Process) -> None:
    """Return once the process has exited, even while its children still hold its output pipe.

    ``proc.wait()`` on Python 3.11 also waits for the pipes to close, so a background child
    would hide the exit; a pidfd (Linux 5.3+) says when the process itself is gone.
    """
    try:
        fd = os.pidfd_open(proc.pid)
    except ProcessLookupError:
        return  # already exited and reaped
    except (AttributeError, OSError):
        await proc.wait()  # no pidfd here: fall back to waiting for the pipes as well
        return
    loop = asyncio.get_running_loop()
    gone = asyncio.Event()
    loop.add_reader(fd, gone.set)
    try:
        await gone.wait()
    finally:
        loop.remove_reader(fd)
        os.close(fd)


class ProcessPod:
    def __init__(self, pod: base.Pod, node: str, pod_dir: pathlib.Path, sink: base.Sink,
                 host: Mapping[str, str]) -> None:
        self.pod = pod
        self.node = node
        self.pod_dir = pod_dir
        self.sink = sink
        self.host = host
        self.killed = False
        self.procs: set[asyncio.subprocess.Process] = set()
        self.task: asyncio.Task[base.Outcome] | None = None

    async def running(self) -> bool:
        return True  # its processes started before ``start`` returned

    async def wait(self) -> base.Outcome:
        assert self.task is not None
        return await asyncio.shield(self.task)

    async def run(self) -> base.Outcome:
        spec = self.pod.get("spec") or {}
        with open(self.pod_dir / LOG_FILE, "ab") as logfile:
            for init in spec.get("initContainers") or []:
                outcome = await self._container(init, logfile)
                if outcome.phase == base.FAILED:
                    return outcome
            containers = spec.get("containers") or []
            outcomes = await asyncio.gather(*(self._container(c, logfile) for c in containers))
            return base.first_failure(list(outcomes))

    async def kill(self, grace: float) -> None:
        self.killed = True
        for proc in list(self.procs):
            signal_group(proc, signal.SIGTERM)
        assert self.task is not None
        done, _ = await asyncio.wait({self.task}, timeout=grace)
        if not done:
            for proc in list(self.procs):
                signal_group(proc, signal.SIGKILL)
            await asyncio.wait({self.task})

    async def _container(self, container: Mapping[str, Any], logfile: Any) -> base.Outcome:
        if self.killed:
            return base.Outcome.of_exit(base.SIGKILL_EXIT, killed=True)
        defined = environment.pod_variables(self.pod, container, self.node)
        argv = environment.argv(container, defined)
        if not argv:
            return self._refused(base.NO_COMMAND, f"container {container.get('name')!r} has no command or args",
                                 logfile)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, cwd=self.pod_dir,
                env=podfiles.local_names(self.pod, environment.process_env(self.host, defined)),
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True)
        except OSError as exc:
            return self._refused(base.START_ERROR, f"container {container.get('name')!r}: {exc}", logfile)
        self.procs.add(proc)
        try:
            return await self._supervise(proc, logfile)
        finally:
            self.procs.discard(proc)

    async def _supervise(self, proc: asyncio.subprocess.Process, logfile: Any) -> base.Outcome:
        if self.killed:  # the kill came while the process was being started
            signal_group(proc, signal.SIGTERM)
        pump = asyncio.create_task(self._pump(proc, logfile))
        await exited(proc)
        # Like a container's cgroup, whatever the process left behind ends with it; otherwise a
        # background child holding the pipe would keep the pod "running".
        signal_group(proc, signal.SIGKILL)
        await pump
        return base.Outcome.of_exit(exit_code(await proc.wait()), killed=self.killed)

    async def _pump(self, proc: asyncio.subprocess.Process, logfile: Any) -> None:
        assert proc.stdout is not None
        while data := await proc.stdout.read(READ_SIZE):
            logfile.write(data)
            logfile.flush()
            self.sink(data)

    def _refused(self, reason: str, message: str, logfile: Any) -> base.Outcome:
        line = f"{message}\n".encode()
        logfile.write(line)
        self.sink(line)
        return base.Outcome(base.START_ERROR_EXIT, reason, message)


class ProcessRuntime:
    def __init__(self, work_dir: str, host: Mapping[str, str] | None = None) -> None:
        self.work_dir = pathlib.Path(work_dir)
        self.host = dict(os.environ if host is None else host)
        self._pods: dict[str, ProcessPod] = {}

    def pod_dir(self, pod: base.Pod) -> pathlib.Path:
        return self.work_dir / "pods" / f"{meta.namespace(pod)}_{meta.name(pod)}_{meta.uid(pod)}"

    async def start(self, pod: base.Pod, node: str, sink: base.Sink) -> base.Handle:
        uid = meta.uid(pod)
        pod_dir = self.pod_dir(pod)
        pod_dir.mkdir(parents=True, exist_ok=True)
        podfiles.write(pod, pod_dir)
        running = ProcessPod(pod, node, pod_dir, sink, self.host)
        running.task = asyncio.create_task(running.run(), name=f"agent-pod-{meta.key(pod)}")
        running.task.add_done_callback(lambda _: self._pods.pop(uid, None))
        self._pods[uid] = running
        return running

    def refresh(self, pod: base.Pod) -> None:
        """A running pod re-sent with new plugin files (its job was scaled): rewrite them."""
        if meta.uid(pod) in self._pods:
            podfiles.write(pod, self.pod_dir(pod))

    async def kill(self, uid: str) -> None:
        running = self._pods.get(uid)
        if running is not None:
            await running.kill(grace_seconds(running.pod))

    async def close(self) -> None:
        await asyncio.gather(*(self.kill(uid) for uid in list(self._pods)))
