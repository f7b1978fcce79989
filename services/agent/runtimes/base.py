"""What the agent needs from a runtime: start a pod on a node, stop it, learn how it ended.

The agent owns reporting; a runtime only runs things and writes the pod's output to ``sink``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Protocol

Pod = dict[str, Any]
# Receives the pod's output (stdout and stderr merged) as it is produced; must not block.
Sink = Callable[[bytes], None]

SUCCEEDED = "Succeeded"
FAILED = "Failed"
ERROR = "Error"  # Kubernetes' reason for a container that exited non-zero
KILLED = "Killed"
NO_COMMAND = "NoCommand"
START_ERROR = "StartError"  # containerd's reason when the process could not be started
START_ERROR_EXIT = 128  # the exit code Kubernetes reports for a container that never ran
SIGKILL_EXIT = 137


@dataclasses.dataclass(frozen=True)
class Outcome:
    """How a pod ended."""

    exit_code: int
    reason: str = ""
    message: str = ""

    @property
    def phase(self) -> str:
        return SUCCEEDED if self.exit_code == 0 and not self.reason else FAILED

    @classmethod
    def of_exit(cls, exit_code: int, killed: bool = False) -> Outcome:
        """The outcome of a process that exited with ``exit_code`` (or was killed on request)."""
        if killed:
            return cls(exit_code, KILLED)
        return cls(exit_code, ERROR if exit_code else "")


def first_failure(outcomes: list[Outcome]) -> Outcome:
    """A pod's outcome from its containers' (in spec order): the first that failed, else success."""
    for outcome in outcomes:
        if outcome.phase == FAILED:
            return outcome
    return Outcome(0)


class Handle(Protocol):
    async def running(self) -> bool:
        """Once the pod runs: True; False when it ended (or was refused) without ever running."""
        ...

    async def wait(self) -> Outcome:
        """How the pod ended; may be awaited by several callers."""
        ...


class Runtime(Protocol):
    async def start(self, pod: Pod, node: str, sink: Sink) -> Handle:
        """Start ``pod`` on ``node``; returns once it is started (``Handle.running`` says when it
        runs: a Kubernetes Pod may wait for its image first) or has already failed to."""
        ...

    async def kill(self, uid: str) -> None:
        """Stop the pod with this uid and return once it has ended; unknown uids are ignored."""
        ...

    def refresh(self, pod: Pod) -> None:
        """A running pod's object changed (e.g. the job scaled and its svc host lists moved)."""
        ...

    async def close(self) -> None:
        """Stop every pod (the agent is shutting down)."""
        ...
