"""RFC 7386's own examples (Appendix A), applied by the gateway's merge patch."""

from __future__ import annotations

from typing import Any

import pytest

from basalt import errors
from services.gateway import jsonpatch, mergepatch

RFC_7386_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "expected"), RFC_7386_EXAMPLES)
def test_rfc_7386_examples(target: Any, patch: Any, expected: Any) -> None:
    assert mergepatch.apply(target, patch) == expected


def test_inputs_are_not_modified() -> None:
    target, patch = {"a": {"b": 1}}, {"a": {"c": 2}}
    mergepatch.apply(target, patch)
    assert (target, patch) == ({"a": {"b": 1}}, {"a": {"c": 2}})


JSON_PATCH_CASES = [
    ({"a": 1}, [{"op": "add", "path": "/b", "value": 2}], {"a": 1, "b": 2}),
    ({"a": [1, 2]}, [{"op": "add", "path": "/a/1", "value": 9}], {"a": [1, 9, 2]}),
    ({"a": [1, 2]}, [{"op": "add", "path": "/a/-", "value": 3}], {"a": [1, 2, 3]}),
    ({"a": 1, "b": 2}, [{"op": "remove", "path": "/a"}], {"b": 2}),
    ({"a": {"b": 1}}, [{"op": "replace", "path": "/a/b", "value": 5}], {"a": {"b": 5}}),
    ({"a": 1}, [{"op": "move", "from": "/a", "path": "/c"}], {"c": 1}),
    ({"a": [1]}, [{"op": "copy", "from": "/a/0", "path": "/b"}], {"a": [1], "b": 1}),
    ({"a/b": {"~c": 1}}, [{"op": "replace", "path": "/a~1b/~0c", "value": 2}], {"a/b": {"~c": 2}}),
    ({"a": 1}, [{"op": "test", "path": "/a", "value": 1}, {"op": "add", "path": "/t", "value": True}],
     {"a": 1, "t": True}),
]


@pytest.mark.parametrize(("target", "ops", "expected"), JSON_PATCH_CASES)
def test_rfc_6902_operations(target: Any, ops: Any, expected: Any) -> None:
    assert jsonpatch.apply(target, ops) == expected


@pytest.mark.parametrize("ops", [
    {"op": "add"}, [{"op": "add", "path": "/x"}], [{"op": "remove", "path": "/missing"}],
    [{"op": "test", "path": "/a", "value": 2}], [{"op": "replace", "path": "a", "value": 1}],
    [{"op": "add", "path": "/l/5", "value": 1}], [{"op": "add", "path": "/l/01", "value": 1}],
    [{"op": "frobnicate", "path": "/a"}], [{"op": "move", "path": "/b"}], ["not an op"],
])
def test_bad_json_patches_are_bad_requests(ops: Any) -> None:
    with pytest.raises(errors.BadRequest):
        jsonpatch.apply({"a": 1, "l": [0]}, ops)
