"""Lifecycle policies (job and task level): Volcano's ``validatePolicies``.

Volcano stops at the first bad policy; here every bad policy is reported at its own path.
"""

from __future__ import annotations

from typing import Any

from services.admission.validators import causes, shape

ANY_EVENT = "*"
# Events and actions a user may name (Volcano's policyEventMap/policyActionMap "allowed" ones).
VALID_EVENTS = frozenset(
    {"*", "PodFailed", "PodEvicted", "PodPending", "Unknown", "TaskCompleted", "TaskFailed",
     "JobUpdated"}
)
VALID_ACTIONS = frozenset(
    {"AbortJob", "RestartJob", "RestartTask", "RestartPod", "RestartPartition", "TerminateJob",
     "CompleteJob", "ResumeJob"}
)


def check_shape(owner: dict[str, Any], prefix: str) -> causes.Causes:
    out = shape.check(owner.get("policies"), "array", f"{prefix}.policies")
    out += shape.check_items(owner, "policies", prefix)
    for path, policy in shape.items(owner, "policies", prefix):
        out += shape.check_fields(
            policy, {"event": "string", "events": "array", "action": "string",
                     "exitCode": "integer"}, path
        )
    return out


def validate(owner: dict[str, Any], prefix: str) -> causes.Causes:
    """Causes for ``owner.policies`` (``owner`` is the job spec or a task)."""
    out: causes.Causes = []
    seen_events: set[str] = set()
    seen_codes: set[int] = set()
    for path, policy in shape.items(owner, "policies", prefix):
        out += _one(policy, path, seen_events, seen_codes)
    if ANY_EVENT in seen_events and len(seen_events) > 1:
        out.append(causes.invalid(f"{prefix}.policies",
                                  "if there's * here, no other policy should be here"))
    return out


def _events(policy: dict[str, Any], path: str) -> dict[str, str]:
    """Each distinct event the policy names, with the field that names it."""
    events = {str(e): f"{path}.events[{i}]" for i, e in
              reversed(list(enumerate(shape.as_list(policy.get("events")))))}
    if policy.get("event"):
        events.setdefault(str(policy["event"]), f"{path}.event")
    return events


def _one(policy: dict[str, Any], path: str, seen_events: set[str],
         seen_codes: set[int]) -> causes.Causes:
    events = _events(policy, path)
    exit_code = policy.get("exitCode")
    if events and exit_code is not None:
        return [causes.invalid(path, "must not specify event and exitCode simultaneously")]
    if events:
        return _event_policy(policy, events, path, seen_events)
    if exit_code is None:
        return [causes.required(path, "either event and exitCode should be specified")]
    return _exit_code_policy(shape.as_int(exit_code), f"{path}.exitCode", seen_codes) + (
        _action(policy, path) if policy.get("action") else []
    )


def _action(policy: dict[str, Any], path: str) -> causes.Causes:
    if policy.get("action") in VALID_ACTIONS:
        return []
    return [causes.invalid(f"{path}.action", "invalid policy action")]


def _event_policy(policy: dict[str, Any], events: dict[str, str], path: str,
                  seen: set[str]) -> causes.Causes:
    out = _action(policy, path)
    for event, field in events.items():
        if event not in VALID_EVENTS:
            out.append(causes.invalid(field, "invalid policy event"))
        elif event in seen:
            out.append(causes.duplicate(field,
                                        f"duplicate event {event}  across different policy"))
        seen.add(event)
    return out


def _exit_code_policy(code: int, path: str, seen: set[int]) -> causes.Causes:
    if code == 0:
        return [causes.invalid(path, "0 is not a valid error code")]
    if code in seen:
        return [causes.duplicate(path, f"duplicate exitCode {code}")]
    seen.add(code)
    return []
