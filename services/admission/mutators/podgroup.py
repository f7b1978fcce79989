"""PodGroup defaults: the CRD schema's ``spec.queue: default``.

Volcano's podgroups/mutate also swaps ``default`` for the namespace's ``scheduling.volcano.sh/
queue-name`` annotation; Basalt has no namespace objects, so that step does not apply.
"""

from __future__ import annotations

import copy
from typing import Any

from services.admission.validators import context


def default(podgroup: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(podgroup)
    spec = out.setdefault("spec", {})
    if not spec.get("queue"):
        spec["queue"] = context.DEFAULT_QUEUE
    return out
