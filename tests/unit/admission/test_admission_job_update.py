"""Job UPDATE: only scaling fields and the priority class may change (Volcano's validateJobUpdate)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.admission import admission_support as support
from services.admission import review

ONLY_SCALING = ("job updates may not change fields other than `minAvailable`, "
                "`tasks[*].replicas under spec` and `PriorityClassName`")


def stored() -> dict[str, Any]:
    result = review.review("CREATE", support.job().obj(), None, support.default_ctx())
    assert result.obj is not None
    return result.obj


def update(mutate: Any, ctx: Any = None) -> review.ReviewResult:
    old = stored()
    new = review.review("CREATE", support.job().obj(), None, support.default_ctx()).obj
    assert new is not None
    mutate(new)
    return review.review("UPDATE", new, old, ctx or support.default_ctx())


def _scale(new: dict[str, Any]) -> None:
    new["spec"]["tasks"][1]["replicas"] = 5
    new["spec"]["tasks"][1]["minAvailable"] = 4
    new["spec"]["minAvailable"] = 5


def test_scaling_is_allowed() -> None:
    result = update(_scale)
    assert result.allowed, result.causes
    assert result.obj is not None and result.obj["spec"]["tasks"][1]["replicas"] == 5


def test_a_known_priority_class_may_be_set() -> None:
    result = update(lambda new: new["spec"].__setitem__("priorityClassName", "urgent"),
                    support.default_ctx().with_priority_class("urgent"))
    assert result.allowed, result.causes


def test_status_changes_are_not_spec_changes() -> None:
    result = update(lambda new: new.__setitem__("status", {"state": {"phase": "Running"}}))
    assert result.allowed, result.causes


def _set_task(index: int, key: str, value: Any) -> Any:
    return lambda new: new["spec"]["tasks"][index].__setitem__(key, value)


CASES = [
    pytest.param(lambda new: new["spec"].__setitem__("queue", "other"),
                 ("spec.queue", ONLY_SCALING), id="queue-frozen"),
    pytest.param(lambda new: new["spec"]["tasks"][0]["template"]["spec"]["containers"][0]
                 .__setitem__("image", "busybox"),
                 ("spec.tasks[0].template.spec.containers[0].image", ONLY_SCALING),
                 id="template-frozen"),
    pytest.param(lambda new: new["spec"]["tasks"].pop(),
                 ("spec.tasks", "job updates may not add or remove tasks"), id="task-removed"),
    pytest.param(_set_task(1, "replicas", -1),
                 ("spec.tasks[1].replicas", "'replicas' must be >= 0 in task: mpiworker"),
                 id="negative-replicas"),
    pytest.param(_set_task(1, "minAvailable", -1),
                 ("spec.tasks[1].minAvailable", "'minAvailable' must be >= 0 in task: mpiworker"),
                 id="negative-task-min-available"),
    pytest.param(_set_task(1, "minAvailable", 4),
                 ("spec.tasks[1].minAvailable", "'minAvailable' must be <= 'replicas' in task: mpiworker"),
                 id="task-min-available-over-replicas"),
    pytest.param(lambda new: new["spec"].__setitem__("minAvailable", 9),
                 ("spec.minAvailable", "job 'minAvailable' must not be greater than total replicas"),
                 id="min-available-over-total"),
    pytest.param(lambda new: new["spec"].__setitem__("minAvailable", -1),
                 ("spec.minAvailable", "job 'minAvailable' must be >= 0"), id="negative-min-available"),
    pytest.param(lambda new: new["spec"].__setitem__("priorityClassName", "urgent"),
                 ("spec.priorityClassName", "no PriorityClass with name urgent was found"),
                 id="unknown-priority-class"),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_forbidden_update_is_refused_at_the_field(mutate: Any, expected: tuple[str, str]) -> None:
    result = update(mutate)
    assert not result.allowed and result.obj is None
    assert expected in support.causes_of(result)


def test_every_frozen_field_is_reported() -> None:
    def change(new: dict[str, Any]) -> None:
        new["spec"]["queue"] = "other"
        new["spec"]["maxRetry"] = 9
        new["spec"]["tasks"][1]["replicas"] = 4  # allowed, so not reported

    assert support.causes_of(update(change)) == [("spec.queue", ONLY_SCALING),
                                         ("spec.maxRetry", ONLY_SCALING)]


def test_update_does_not_apply_create_defaults() -> None:
    def rename(new: dict[str, Any]) -> None:
        new["spec"]["tasks"][0]["name"] = ""

    result = update(rename)
    assert ("spec.tasks[0].name", ONLY_SCALING) in support.causes_of(result)
