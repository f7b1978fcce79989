"""Lifecycle policies: which action a pod event triggers (``applyPolicies``).

Task policies are consulted before job policies; within each list the first match wins. A policy
matches on its events (``event`` and ``events``, ``*`` for any) or on its ``exitCode``. PodPending
only matches a policy with a timeout (a pod may pend for a while; pending alone is no failure).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from basalt.api import meta
from services.controller.materialize import jobspec
from services.controller.state import bus, timestamps

Obj = meta.Obj


@dataclasses.dataclass(frozen=True)
class Decision:
    action: bus.Action
    delay: dt.timedelta | None = None
    """Run the action after this long (the policy's ``timeout``); None means now."""


SYNC = Decision(bus.Action.SYNC_JOB)


def policy_action(
    job: Obj,
    task_name: str,
    event: bus.Event | str,
    exit_code: int | None = None,
    *,
    request_version: int | None = None,
    request_job_uid: str | None = None,
) -> Decision:
    """The action for ``event`` on a pod of ``task_name`` (SyncJob when no policy matches).

    ``request_version`` is the job version the pod was created for: events from pods of an
    older version only sync. ``request_job_uid`` guards against a re-created job of the same name.
    """
    if not event or bus.Event(event) in bus.INTERNAL_EVENTS:
        return SYNC
    if request_job_uid and request_job_uid != meta.uid(job):
        return SYNC
    if request_version is not None and request_version < jobspec.version(job):
        return SYNC
    code = exit_code or 0
    task = jobspec.find_task(job, task_name) if task_name else None
    for policies in ((task or {}).get("policies") or [], jobspec.spec(job).get("policies") or []):
        decision = _first_match(policies, str(event), code)
        if decision is not None:
            return decision
    return SYNC


def _first_match(policies: list[dict[str, Any]], event: str, exit_code: int) -> Decision | None:
    for policy in policies:
        events = _events(policy)
        timeout = policy.get("timeout")
        if events and (event in events or bus.Event.ANY.value in events):
            if event != bus.Event.POD_PENDING or timeout is not None:
                return _decision(policy)
        # exitCode 0 is refused by admission: it is not a failure.
        if policy.get("exitCode") is not None and int(policy["exitCode"]) == exit_code:
            return _decision(policy)
    return None


def _events(policy: dict[str, Any]) -> list[str]:
    events = [str(e) for e in policy.get("events") or []]
    if policy.get("event"):
        events.append(str(policy["event"]))
    return events


def _decision(policy: dict[str, Any]) -> Decision:
    timeout = policy.get("timeout")
    delay = timestamps.parse_go_duration(str(timeout)) if timeout is not None else None
    return Decision(bus.Action(policy.get("action") or bus.Action.SYNC_JOB), delay or None)
