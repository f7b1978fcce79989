"""A Command is executed by exactly one controller, however many see it (real Redis)."""

from __future__ import annotations

import asyncio

from basalt.api import kinds, meta
from basalt.store import objects
from services.controller.materialize import command
from services.controller.reconcilers import commands
from services.controller.state import bus


async def test_two_controllers_seeing_one_command_execute_it_once(store: objects.Store) -> None:
    job = {"metadata": {"name": "j", "namespace": "default", "uid": "u-1"}}
    cmd = command.for_object(job, kinds.JOB, bus.Action.ABORT_JOB, "default")
    cmd["metadata"]["name"] = "j-abortjob-1"
    stored = await store.create(kinds.COMMAND, cmd)
    executed: list[tuple[str, bus.Action]] = []
    controllers = [commands.CommandReconciler(store, lambda k, a: executed.append((k, a)), lambda k, a: None)
                   for _ in range(2)]
    for c in controllers:
        c.commands.cache[meta.key(stored)] = stored  # both informers have seen it

    claimed = await asyncio.gather(*(c.execute(meta.key(stored)) for c in controllers))

    assert sorted(claimed) == [False, True]
    assert executed == [("default/j", bus.Action.ABORT_JOB)]
    assert await store.get(kinds.COMMAND, "default", "j-abortjob-1") is None
    assert await controllers[0].execute(meta.key(stored)) is False  # and never again


async def test_queue_commands_go_to_the_queue_controller(store: objects.Store) -> None:
    queue = {"metadata": {"name": "q", "uid": "u-q"}}
    cmd = command.for_object(queue, kinds.QUEUE, bus.Action.CLOSE_QUEUE, "default")
    cmd["metadata"]["name"] = "q-closequeue-1"
    stored = await store.create(kinds.COMMAND, cmd)
    to_queue: list[tuple[str, bus.Action]] = []
    reconciler = commands.CommandReconciler(store, lambda k, a: None, lambda k, a: to_queue.append((k, a)))
    reconciler.commands.cache[meta.key(stored)] = stored

    assert await reconciler.execute(meta.key(stored)) is True
    assert to_queue == [("q", bus.Action.CLOSE_QUEUE)]
