"""``run_session``: snapshot in, decisions out (Volcano's runOnce: open, actions, close)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.scheduler.framework import closing, registry, result, session, snapshot

if TYPE_CHECKING:
    from services.scheduler import conf as conf_mod


def run_session(snap: snapshot.Snapshot, conf: conf_mod.SchedulerConf, now: float) -> result.SessionResult:
    """Run the configured actions on one snapshot. Pure: same inputs, same result."""
    registry.ensure_loaded()
    ssn = session.Session(snap, conf, now)
    ssn.open_plugins()
    actions = [registry.ACTIONS[name]() for name in conf.actions]
    for action in actions:
        # State that must hold before any action runs (the reservation action's restored holds).
        prepare = getattr(action, "prepare", None)
        if prepare is not None:
            prepare(ssn)
    for action in actions:
        action.execute(ssn)
    closing.withdraw_partial_gangs(ssn)
    ssn.close_plugins()
    return closing.build_result(ssn)
