"""The fake runtime: pods "run" on a timer, so one agent can simulate thousands of busy nodes.

A pod lasts ``basalt.io/fake-duration`` (seconds or a Go duration, default 1 s) and exits with
``basalt.io/fake-exit-code`` (default 0). Only asyncio timers are used: no processes, no threads.
"""

from __future__ import annotations

import asyncio

from basalt.api import labels, meta
from services.agent import durations
from services.agent.runtimes import base

DEFAULT_DURATION = "1s"


class FakePod:
    def __init__(self, pod: base.Pod, node: str, sink: base.Sink) -> None:
        self.pod = pod
        self.node = node
        self.sink = sink
        self.ended: asyncio.Future[base.Outcome] = asyncio.get_running_loop().create_future()
        self.timer: asyncio.TimerHandle | None = None

    def run(self, seconds: float, exit_code: int) -> None:
        self.timer = asyncio.get_running_loop().call_later(seconds, self._finish, seconds, exit_code)

    def _finish(self, seconds: float, exit_code: int) -> None:
        self.sink(f"fake pod {meta.key(self.pod)} ran {seconds:g}s on {self.node}, exit {exit_code}\n".encode())
        self.end(base.Outcome.of_exit(exit_code))

    def kill(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.sink(f"fake pod {meta.key(self.pod)} killed on {self.node}\n".encode())
        self.end(base.Outcome(base.SIGKILL_EXIT, base.KILLED))

    def end(self, outcome: base.Outcome) -> None:
        if not self.ended.done():
            self.ended.set_result(outcome)

    async def running(self) -> bool:
        return True  # its timer (or its start error) was set before ``start`` returned

    async def wait(self) -> base.Outcome:
        return await asyncio.shield(self.ended)


class FakeRuntime:
    def __init__(self) -> None:
        self._pods: dict[str, FakePod] = {}

    async def start(self, pod: base.Pod, node: str, sink: base.Sink) -> base.Handle:
        uid = meta.uid(pod)
        fake = FakePod(pod, node, sink)
        fake.ended.add_done_callback(lambda _: self._pods.pop(uid, None))
        try:
            seconds, exit_code = _script(pod)
        except ValueError as exc:
            sink(f"fake pod {meta.key(pod)}: {exc}\n".encode())
            fake.end(base.Outcome(base.START_ERROR_EXIT, base.START_ERROR, str(exc)))
            return fake
        self._pods[uid] = fake
        fake.run(seconds, exit_code)
        return fake

    async def kill(self, uid: str) -> None:
        fake = self._pods.get(uid)
        if fake is not None:
            fake.kill()

    def refresh(self, pod: base.Pod) -> None:
        """Nothing on disk to rewrite for this runtime."""

    async def close(self) -> None:
        for fake in list(self._pods.values()):
            fake.kill()


def _script(pod: base.Pod) -> tuple[float, int]:
    """The simulated duration and exit code from the pod's annotations."""
    # Not meta.annotations: mypy confuses that name with meta's `from __future__ import annotations`.
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    try:
        seconds = durations.parse_seconds(str(annotations.get(labels.FAKE_DURATION, DEFAULT_DURATION)))
    except durations.DurationError as exc:
        raise ValueError(f"annotation {labels.FAKE_DURATION}: {exc}") from None
    raw_code = str(annotations.get(labels.FAKE_EXIT_CODE, "0")).strip()
    try:
        exit_code = int(raw_code)
    except ValueError:
        raise ValueError(f"annotation {labels.FAKE_EXIT_CODE} must be an integer, got {raw_code!r}") from None
    return seconds, exit_code
