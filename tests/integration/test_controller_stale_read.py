"""The job reconciler acts on the job as stored, not on an informer copy that lags behind: a sync
planned from a stale Running job must not recreate the pods an abort has just killed."""

from __future__ import annotations

import contextlib
import copy

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import objects
from services.controller.materialize import naming
from services.controller.reconcilers import jobs
from tests.unit.controller.controller_support import JobBuilder


async def test_a_lagging_informer_does_not_undo_an_abort(store: objects.Store) -> None:
    job = await store.create(kinds.JOB, JobBuilder("j", namespace="default").task("w", 2).status("Running").obj())
    stale = copy.deepcopy(job)
    aborting = copy.deepcopy(job)
    aborting["status"]["state"] = {"phase": "Aborting"}
    await store.update(kinds.JOB, aborting)

    group = await store.create(kinds.PODGROUP, {
        "metadata": {"name": naming.podgroup_name(job), "namespace": "default"},
        "spec": {"minMember": 2, "queue": "default"}, "status": {"phase": "Running"}})

    reconciler = jobs.JobReconciler(store)
    reconciler.jobs.cache[meta.key(stale)] = stale  # the informer has not seen the abort yet
    reconciler.groups.cache[meta.key(group)] = group
    with contextlib.suppress(errors.Conflict):  # a stale status write is refused by CAS, but
        await reconciler.reconcile(meta.key(stale))  # pod creation before it is not guarded

    assert await store.list_all(kinds.POD, "default") == []  # nothing recreated
    phase = (await store.must_get(kinds.JOB, "default", "j"))["status"]["state"]["phase"]
    assert phase in ("Aborting", "Aborted")
