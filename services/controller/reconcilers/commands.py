"""Commands: each is executed at most once, by deleting it (compare-and-set) before acting.

Volcano's job and queue controllers both watch Commands: ``handleCommands`` deletes the command
and only then queues its action, so a command two controllers see is executed by the one whose
delete succeeded. Job actions go to the job reconciler, queue actions to the queue controller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import informer, objects
from services.controller import workqueue
from services.controller.materialize import command
from services.controller.state import bus

Obj = dict[str, Any]
Dispatch = Callable[[str, bus.Action], None]  # (target key, action)
log = logging.getLogger("basalt.controller.commands")


class CommandReconciler:
    def __init__(self, store: objects.Store, on_job: Dispatch, on_queue: Dispatch) -> None:
        self.store = store
        self.on_job = on_job
        self.on_queue = on_queue
        self.queue = workqueue.WorkQueue()
        self.commands = informer.Informer(store, kinds.COMMAND, self._on_command)
        # Active-active: a command is claimed only by the ring's owner of its target, so the
        # action lands on the instance that reconciles that job (or queue).
        self.owns: Callable[[str], bool] = lambda key: True

    def resync(self) -> None:
        for key in list(self.commands.cache):
            self.queue.add(key)

    def _on_command(self, kind: str, cmd: Obj, old: Obj | None) -> None:
        if kind != "DELETED":
            self.queue.add(meta.key(cmd))

    async def run(self, stop: asyncio.Event) -> None:
        await self.queue.process(stop, self.execute, "command")

    async def execute(self, key: str) -> bool:
        """Claim the command by deleting it, then dispatch its action; False when not ours."""
        cmd = self.commands.cache.get(key)
        if cmd is None or not self.owns(target_key(cmd)):
            return False
        try:
            await self.store.delete(kinds.COMMAND, cmd, expect=meta.resource_version(cmd))
        except (errors.NotFound, errors.Conflict):
            return False  # another controller claimed it, or it changed: its next event decides
        action = command.action_of(cmd)
        target = command.target_of(cmd)
        name = str(target.get("name") or "")
        if action in command.JOB_ACTIONS and target.get("kind") == kinds.JOB.kind:
            self.on_job(f"{meta.namespace(cmd)}/{name}", action)
        elif action in command.QUEUE_ACTIONS and target.get("kind") == kinds.QUEUE.kind:
            self.on_queue(name, action)
        else:
            log.warning("command %s: unsupported action %r on %s; dropped", key, cmd.get("action"), target.get("kind"))
            return False
        log.info("command %s: %s %s %s", key, action, target.get("kind"), name)
        return True


def target_key(cmd: Obj) -> str:
    """The ring key of what a command acts on: ``ns/name`` for a job, ``queue/<name>`` for a queue."""
    target = command.target_of(cmd)
    if target.get("kind") == kinds.QUEUE.kind:
        return f"queue/{target.get('name') or ''}"
    return f"{meta.namespace(cmd)}/{target.get('name') or ''}"
