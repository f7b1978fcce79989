"""bus.volcano.sh/v1alpha1 Commands: what ``vcctl job suspend|resume|restart`` and
``vcctl queue operate`` create, and which commands the controller accepts."""

from __future__ import annotations

from typing import Any

from basalt import errors
from basalt.api import kinds, meta
from services.controller.state import bus

Obj = meta.Obj

JOB_ACTIONS = frozenset({bus.Action.ABORT_JOB, bus.Action.RESUME_JOB, bus.Action.RESTART_JOB,
                         bus.Action.COMPLETE_JOB, bus.Action.TERMINATE_JOB})
QUEUE_ACTIONS = frozenset({bus.Action.OPEN_QUEUE, bus.Action.CLOSE_QUEUE})
QUEUE_COMMAND_NAMESPACE = "default"  # vcctl creates queue commands there (queues have none)


def for_object(target: Obj, kind: kinds.Kind, action: bus.Action, namespace: str) -> Obj:
    """The Command vcctl creates: ``<name>-<action lowercased>-<random>``, owned by its target."""
    ref = {"apiVersion": kind.api_version, "kind": kind.kind, "name": meta.name(target), "uid": meta.uid(target),
           "controller": True, "blockOwnerDeletion": True}
    return {
        "apiVersion": kinds.COMMAND.api_version,
        "kind": kinds.COMMAND.kind,
        "metadata": {"generateName": f"{meta.name(target)}-{action.value.lower()}-", "namespace": namespace,
                     "ownerReferences": [dict(ref)]},
        "target": ref,
        "action": action.value,
    }


def action_of(command: Obj) -> bus.Action | None:
    try:
        return bus.Action(str(command.get("action") or ""))
    except ValueError:
        return None


def target_of(command: Obj) -> dict[str, Any]:
    return dict(command.get("target") or {})


def validate(command: Obj) -> None:
    """Refuse a command the controller would never execute, with field causes."""
    causes: list[errors.Cause] = []
    target = target_of(command)
    action = action_of(command)
    allowed = {kinds.JOB.kind: JOB_ACTIONS, kinds.QUEUE.kind: QUEUE_ACTIONS}.get(str(target.get("kind") or ""))
    if not target.get("name"):
        causes.append(errors.Cause("target.name", "Required value", "FieldValueRequired"))
    if allowed is None:
        causes.append(errors.Cause("target.kind", 'Unsupported value: must be "Job" or "Queue"',
                                   "FieldValueNotSupported"))
    elif action is None or action not in allowed:
        names = ", ".join(f'"{a.value}"' for a in sorted(allowed))
        causes.append(errors.Cause("action", f"Unsupported value: {command.get('action')!r}: supported values: {names}",
                                   "FieldValueNotSupported"))
    if causes:
        listed = ", ".join(f"{c.field}: {c.message}" for c in causes)
        raise errors.Invalid(f'Command.bus.volcano.sh "{meta.name(command)}" is invalid: [{listed}]', tuple(causes))
