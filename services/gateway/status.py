"""Kubernetes ``Status`` objects: how every failure leaves the gateway.

The HTTP code and reason come from the error itself (``BasaltError.http_status`` / ``.reason``);
this module only shapes the body the way the Kubernetes API server does, so kubectl-style clients
and scripts read Basalt's refusals unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from basalt import errors
from basalt.api import kinds

Obj = dict[str, Any]
INVALID_MARK = " is invalid: "


@dataclass(frozen=True)
class Subject:
    """The object a request was about, named in ``Status.details``."""

    kind: kinds.Kind
    name: str = ""


class Failure(Exception):
    """A BasaltError together with the object it concerned."""

    def __init__(self, error: errors.BasaltError, subject: Subject | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.subject = subject


class MethodNotAllowed(errors.BasaltError):
    """HTTP-level only (no gRPC counterpart): a known path with a verb it does not serve."""

    reason = "MethodNotAllowed"
    http_status = 405


class UnsupportedMediaType(errors.BasaltError):
    reason = "UnsupportedMediaType"
    http_status = 415


def build(error: errors.BasaltError, subject: Subject | None = None) -> Obj:
    """The Status body for ``error``; fields Kubernetes omits when empty are omitted here too."""
    body: Obj = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                 "message": message(error, subject), "reason": error.reason}
    found = details(error, subject)
    if found:
        body["details"] = found
    body["code"] = error.http_status
    return body


def message(error: errors.BasaltError, subject: Subject | None) -> str:
    if not isinstance(error, errors.Invalid) or subject is None or INVALID_MARK in error.message:
        return error.message
    return invalid_message(subject, error.causes, error.message)


def invalid_message(subject: Subject, causes: tuple[errors.Cause, ...], fallback: str = "") -> str:
    """Kubernetes' ``NewInvalid`` wording: ``Job.batch.volcano.sh "x" is invalid: [a: m, b: n]``.

    Like apimachinery's aggregate error, one distinct cause is shown bare and several in brackets.
    """
    group_kind = f"{subject.kind.kind}.{subject.kind.group}" if subject.kind.group else subject.kind.kind
    return f'{group_kind} "{subject.name}" is invalid: {aggregate(causes) or fallback}'


def aggregate(causes: tuple[errors.Cause, ...]) -> str:
    texts = list(dict.fromkeys(f"{c.field}: {c.message}" if c.field else c.message for c in causes))
    if len(texts) <= 1:
        return "".join(texts)
    return "[" + ", ".join(texts) + "]"


def details(error: errors.BasaltError, subject: Subject | None) -> Obj:
    found: Obj = {}
    if subject is not None:
        if subject.name:
            found["name"] = subject.name
        if subject.kind.group:
            found["group"] = subject.kind.group
        # Kubernetes names the Kind in Invalid errors and the resource (plural) in the others.
        found["kind"] = subject.kind.kind if isinstance(error, errors.Invalid) else subject.kind.plural
    if error.causes:
        found["causes"] = [cause(c) for c in error.causes]
    return found


def cause(c: errors.Cause) -> Obj:
    found: Obj = {"reason": c.reason, "message": c.message}
    if c.field:
        found["field"] = c.field
    return found
