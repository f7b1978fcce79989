"""Status bodies: Kubernetes' shape, codes and messages from the error itself."""

from __future__ import annotations

import pytest

from basalt import errors
from basalt.api import kinds
from services.gateway import status

JOB_X = status.Subject(kinds.JOB, "x")
REQUIRED = errors.Cause("spec.tasks", "Required value", "FieldValueRequired")
NEGATIVE = errors.Cause("spec.minAvailable", "must be greater than or equal to 0")


def test_not_found_names_the_resource_and_group() -> None:
    body = status.build(errors.NotFound('jobs.batch.volcano.sh "x" not found'), JOB_X)
    assert body == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'jobs.batch.volcano.sh "x" not found', "reason": "NotFound",
        "details": {"name": "x", "group": "batch.volcano.sh", "kind": "jobs"}, "code": 404,
    }


def test_invalid_lists_every_cause_and_names_the_kind() -> None:
    body = status.build(errors.Invalid("refused", (REQUIRED, NEGATIVE)), JOB_X)
    assert body["code"] == 422 and body["reason"] == "Invalid"
    assert body["message"] == ('Job.batch.volcano.sh "x" is invalid: [spec.tasks: Required value, '
                               'spec.minAvailable: must be greater than or equal to 0]')
    assert body["details"]["kind"] == "Job"
    assert body["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.tasks"},
        {"reason": "FieldValueInvalid", "message": "must be greater than or equal to 0",
         "field": "spec.minAvailable"},
    ]


@pytest.mark.parametrize(("causes", "expected"), [
    ((REQUIRED,), 'Job.batch.volcano.sh "x" is invalid: spec.tasks: Required value'),
    ((REQUIRED, REQUIRED), 'Job.batch.volcano.sh "x" is invalid: spec.tasks: Required value'),
    ((), 'Job.batch.volcano.sh "x" is invalid: refused'),
    ((errors.Cause("", "bad job"),), 'Job.batch.volcano.sh "x" is invalid: bad job'),
])
def test_invalid_message_follows_apimachinery_aggregate(causes: tuple[errors.Cause, ...], expected: str) -> None:
    assert status.build(errors.Invalid("refused", causes), JOB_X)["message"] == expected


def test_a_message_already_in_kubernetes_form_is_kept() -> None:
    message = 'Job.batch.volcano.sh "x" is invalid: spec.queue: Not found: "q"'
    assert status.build(errors.Invalid(message, (REQUIRED,)), JOB_X)["message"] == message


def test_core_group_is_omitted_and_errors_without_subject_have_no_details() -> None:
    pod = status.build(errors.NotFound('pods "p" not found'), status.Subject(kinds.POD, "p"))
    assert pod["details"] == {"name": "p", "kind": "pods"}
    assert "details" not in status.build(errors.BadRequest("bad"))


@pytest.mark.parametrize(("error", "code", "reason"), [
    (errors.AlreadyExists("dup"), 409, "AlreadyExists"),
    (errors.Conflict("cas"), 409, "Conflict"),
    (errors.Insufficient("cpu"), 409, "Conflict"),
    (errors.TooLarge("big"), 413, "RequestEntityTooLarge"),
    (errors.Unavailable("down"), 503, "ServiceUnavailable"),
    (status.UnsupportedMediaType("xml"), 415, "UnsupportedMediaType"),
    (errors.BasaltError("boom"), 500, "InternalError"),
])
def test_code_and_reason_come_from_the_error(error: errors.BasaltError, code: int, reason: str) -> None:
    body = status.build(error)
    assert (body["code"], body["reason"], body["message"]) == (code, reason, error.message)
