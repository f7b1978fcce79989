"""JSON merge patch (RFC 7386), applied by the gateway to the current object before an Update.

The API server treats a strategic merge patch on a custom resource as a merge patch (custom
resources carry no patch strategies), so both content types land here.
"""

from __future__ import annotations

import copy
from typing import Any


def apply(target: Any, patch: Any) -> Any:
    """RFC 7386 MergePatch(target, patch): objects merge key by key, ``null`` removes a key, and
    anything else (lists included) replaces the target. Neither argument is modified."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply(result.get(key), value)
    return result
