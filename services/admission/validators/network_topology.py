"""``networkTopology``: a tier may be bounded by number or by name, not both."""

from __future__ import annotations

from typing import Any

from services.admission.validators import causes

BOTH_TIERS = "must not specify 'highestTierAllowed' and 'highestTierName' in networkTopology simultaneously"


def sets_both(topology: Any) -> bool:
    return (
        isinstance(topology, dict)
        and topology.get("highestTierAllowed") is not None
        and bool(topology.get("highestTierName"))
    )


def validate(topology: Any, field: str, message: str = BOTH_TIERS) -> causes.Causes:
    return [causes.invalid(field, message)] if sets_both(topology) else []
