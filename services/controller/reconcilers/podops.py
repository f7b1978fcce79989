"""Deleting pods the Kubernetes way: a running pod is marked and its agent stops it; a pod that
holds nothing is removed at once."""

from __future__ import annotations

import copy
from typing import Any

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import accounting, objects
from services.controller.materialize import keys

Obj = dict[str, Any]


async def delete_pod(store: objects.Store, pod: Obj) -> None:
    """Mark out-of-sync (so its events fire no policy) and delete gracefully or at once."""
    doomed = copy.deepcopy(pod)
    meta.metadata(doomed).setdefault("annotations", {})[keys.OUT_OF_SYNC] = "true"
    try:
        if accounting.hold(pod) is None:
            await store.delete(kinds.POD, doomed, expect=meta.resource_version(pod))
        elif not meta.metadata(doomed).get("deletionTimestamp"):
            meta.metadata(doomed)["deletionTimestamp"] = objects.now_iso()
            await store.update(kinds.POD, doomed, old=pod)
    except (errors.NotFound, errors.Conflict):
        pass  # it changed or went meanwhile; its event brings the job back for another sync


async def force_delete(store: objects.Store, pod: Obj) -> None:
    """Remove a pod whose agent never confirmed it stopped (releases its resources)."""
    try:
        await store.delete(kinds.POD, pod, expect=meta.resource_version(pod))
    except (errors.NotFound, errors.Conflict):
        pass
