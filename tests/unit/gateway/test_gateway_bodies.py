"""Request bodies: JSON or YAML in, a JSON-safe object out, a 400 that says why otherwise."""

from __future__ import annotations

import pytest

from basalt import errors
from basalt.api import kinds
from services.gateway import bodies, status

YAML_JOB = b"""
apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata:
  name: x
  creationTimestamp: 2026-11-25T12:00:00Z
spec:
  minAvailable: 1
"""
JOB = {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
       "metadata": {"name": "x", "creationTimestamp": "2026-11-25T12:00:00Z"}, "spec": {"minAvailable": 1}}
JSON_JOB = b'{"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "metadata": {"name": "x", ' \
           b'"creationTimestamp": "2026-11-25T12:00:00Z"}, "spec": {"minAvailable": 1}}'
LAUGHS = b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode() for i in range(7))


@pytest.mark.parametrize(("data", "content_type"), [
    (YAML_JOB, "application/yaml"),
    (YAML_JOB, "application/x-yaml"),
    (YAML_JOB, ""),
    (JSON_JOB, "application/json"),
    (JSON_JOB, "application/json; charset=utf-8"),
    (JSON_JOB, ""),
    (JSON_JOB, "application/yaml"),  # JSON is YAML
])
def test_decodes_json_and_yaml_keeping_timestamps_as_strings(data: bytes, content_type: str) -> None:
    assert bodies.decode(data, content_type) == JOB


@pytest.mark.parametrize(("data", "content_type", "message"), [
    (b"{not json", "application/json", "could not be parsed as JSON: Expecting property name"),
    (b"{not json", "", "could not be parsed as JSON"),
    (b"a: [unclosed", "application/yaml", "could not be parsed as YAML: while parsing a flow sequence"),
    (b"a: 1\n---\nb: 2\n", "application/yaml", "could not be parsed as YAML: expected a single document"),
    (b"[1, 2]", "application/json", "must be a JSON object, not a list"),
    (b"just words", "", "must be a YAML object, not a string"),
    (b"  \n", "application/json", "the request body is empty"),
    (b"\xff\xfe", "application/json", "not valid UTF-8"),
    (b'{"a": NaN}', "application/json", "NaN is not a JSON value"),
    (b"a: .inf", "application/yaml", "a number JSON cannot hold: inf"),
    (b"a: !!binary aGk=", "application/yaml", "a value JSON cannot hold: bytes"),
    (b"a: !!timestamp 2026-11-25", "application/yaml", "a value JSON cannot hold: date"),
    (b"a: &a [*a]", "application/yaml", "expands to more than"),
    (LAUGHS, "application/yaml", "expands to more than"),
    (b"[" * 100_000, "application/json", "nested too deeply"),
])
def test_unparsable_bodies_are_bad_requests_saying_why(data: bytes, content_type: str, message: str) -> None:
    with pytest.raises(errors.BadRequest) as refused:
        bodies.decode(data, content_type)
    assert message in refused.value.message


def test_unknown_media_type_is_415() -> None:
    with pytest.raises(status.UnsupportedMediaType) as refused:
        bodies.decode(b"<job/>", "application/xml")
    assert "application/json" in refused.value.message


def test_place_takes_null_metadata_as_empty() -> None:
    assert bodies.place({"metadata": None}, kinds.JOB, "team")["metadata"] == {"namespace": "team"}


def test_place_fills_what_the_path_implies() -> None:
    placed = bodies.place({"metadata": {"name": "x", "namespace": ""}}, kinds.JOB, "team")
    assert placed == {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
                      "metadata": {"name": "x", "namespace": "team"}}


@pytest.mark.parametrize(("obj", "message"), [
    ({"metadata": {"namespace": "other"}}, bodies.NAMESPACE_MISMATCH),
    ({"kind": "Pod"}, "the kind in the data (Pod) does not match the expected kind (Job)"),
    ({"apiVersion": "v1"}, "the apiVersion in the data (v1) does not match"),
    ({"metadata": ["x"]}, "metadata must be an object, not a list"),
    ({"metadata": ""}, "metadata must be an object, not a string"),
])
def test_place_refuses_objects_that_do_not_belong_at_the_path(obj: bodies.Obj, message: str) -> None:
    with pytest.raises(errors.BadRequest) as refused:
        bodies.place(obj, kinds.JOB, "team")
    assert message in refused.value.message
