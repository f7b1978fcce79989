from __future__ import annotations

from typing import Any

import pytest

from basalt import errors
from basalt.api import selectors


def obj(labels: dict[str, str], phase: str = "Running", name: str = "a") -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "ns", "labels": labels}, "status": {"phase": phase}}


@pytest.mark.parametrize("selector, labels, expected", [
    ("", {}, True),
    ("a=b", {"a": "b"}, True),
    ("a==b", {"a": "c"}, False),
    ("a!=b", {}, True),
    ("a in (x, y)", {"a": "y"}, True),
    ("a notin (x,y)", {"a": "x"}, False),
    ("a", {"a": ""}, True),
    ("!a", {"a": "1"}, False),
    ("volcano.sh/job-name=j,volcano.sh/task-spec in (worker)", {"volcano.sh/job-name": "j", "volcano.sh/task-spec": "worker"}, True),
])
def test_label_selector(selector: str, labels: dict[str, str], expected: bool) -> None:
    assert selectors.labels(selector)(obj(labels)) is expected


def test_field_selector_on_phase_and_name() -> None:
    match = selectors.fields("status.phase=Running,metadata.name!=b")
    assert match(obj({}, "Running", "a")) and not match(obj({}, "Running", "b")) and not match(obj({}, "Failed"))


def test_bad_selectors_name_the_problem() -> None:
    with pytest.raises(errors.BadRequest, match="invalid label selector"):
        selectors.labels("a in (x")
    with pytest.raises(errors.BadRequest, match='field label not supported: "spec.foo"'):
        selectors.fields("spec.foo=1")
