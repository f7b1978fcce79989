"""pods_to_create / pods_to_delete / dependsOn, as syncJob decides them."""

from __future__ import annotations

from services.controller.materialize import scaling
from tests.unit.controller.controller_support import JobBuilder, out_of_sync, pod_of, podgroup, terminating


def _names(pods: list[dict[str, object]]) -> list[str]:
    return [p["metadata"]["name"] for p in pods]  # type: ignore[index]


def test_creates_every_missing_index_in_task_order() -> None:
    job = JobBuilder("j").task("ps", 1).task("w", 3).obj()
    existing = [pod_of(job, "w", 1)]

    assert _names(scaling.pods_to_create(job, existing)) == ["j-ps-0", "j-w-0", "j-w-2"]


def test_nothing_to_do_when_pods_match() -> None:
    job = JobBuilder("j").task("w", 2).obj()
    existing = [pod_of(job, "w", 0), pod_of(job, "w", 1)]

    assert scaling.pods_to_create(job, existing) == []
    assert scaling.pods_to_delete(job, existing) == []


def test_scale_down_deletes_surplus_and_out_of_sync_pods_but_not_terminating_ones() -> None:
    job = JobBuilder("j").task("w", 4).obj()
    existing = [
        pod_of(job, "w", 0),
        out_of_sync(pod_of(job, "w", 1)),
        terminating(out_of_sync(pod_of(job, "w", 2))),
        pod_of(job, "w", 3),
    ]
    job["spec"]["tasks"][0]["replicas"] = 2
    existing.append(terminating(pod_of(job, "w", 5)))

    assert _names(scaling.pods_to_delete(job, existing)) == ["j-w-1", "j-w-3"]


def test_pods_of_a_removed_task_are_left_alone() -> None:
    job = JobBuilder("j").task("w", 1).task("old", 1).obj()
    existing = [pod_of(job, "w", 0), pod_of(job, "old", 0)]
    job["spec"]["tasks"].pop()

    assert scaling.pods_to_delete(job, existing) == []


def test_may_create_pods_once_the_podgroup_left_pending() -> None:
    assert not scaling.may_create_pods(None)
    assert not scaling.may_create_pods(podgroup("Pending"))
    assert not scaling.may_create_pods(podgroup(""))
    assert scaling.may_create_pods(podgroup("Inqueue"))
    assert scaling.may_create_pods(podgroup("Running"))


def test_depends_on_waits_for_the_dependency_minimum() -> None:
    job = JobBuilder("j").task("ps", 2, min_available=1).task("w", 2, dependsOn={"name": ["ps"]}).obj()
    not_ready = pod_of(job, "ps", 0, "Running", containerStatuses=[{"ready": False}])
    ready = pod_of(job, "ps", 1, "Running", containerStatuses=[{"ready": True}])

    assert _names(scaling.pods_to_create(job, [not_ready])) == ["j-ps-1"]
    assert _names(scaling.pods_to_create(job, [not_ready, ready])) == ["j-w-0", "j-w-1"]


def test_depends_on_any_needs_one_ready_task() -> None:
    job = (
        JobBuilder("j")
        .task("a", 1, min_available=1)
        .task("b", 1, min_available=1)
        .task("w", 1, dependsOn={"name": ["a", "b"], "iteration": "any"})
        .obj()
    )
    existing = [pod_of(job, "a", 0, "Succeeded"), pod_of(job, "b", 0, "Pending")]

    assert _names(scaling.pods_to_create(job, existing)) == ["j-w-0"]
    job["spec"]["tasks"][2]["dependsOn"]["iteration"] = "all"
    assert scaling.pods_to_create(job, existing) == []


def test_mark_out_of_sync_returns_an_annotated_copy() -> None:
    job = JobBuilder("j").task("w", 1).obj()
    original = pod_of(job, "w", 0)

    marked = scaling.mark_out_of_sync(original)

    assert scaling.is_out_of_sync(marked) and not scaling.is_out_of_sync(original)
    assert marked["metadata"]["annotations"]["volcano.sh/controller-out-of-sync"] == "true"
