"""Field errors in the shape of a Kubernetes ``StatusCause``, and small constructors for them."""

from __future__ import annotations

from dataclasses import dataclass

INVALID = "FieldValueInvalid"
REQUIRED = "FieldValueRequired"
DUPLICATE = "FieldValueDuplicate"
NOT_FOUND = "FieldValueNotFound"
FORBIDDEN = "FieldValueForbidden"
TYPE_INVALID = "FieldValueTypeInvalid"


@dataclass(frozen=True)
class Cause:
    """One field error: where (a Kubernetes field path), what (Volcano's message) and why."""

    field: str
    message: str
    reason: str = INVALID


Causes = list[Cause]


def invalid(field: str, message: str) -> Cause:
    return Cause(field, message, INVALID)


def required(field: str, message: str) -> Cause:
    return Cause(field, message, REQUIRED)


def duplicate(field: str, message: str) -> Cause:
    return Cause(field, message, DUPLICATE)


def not_found(field: str, message: str) -> Cause:
    return Cause(field, message, NOT_FOUND)


def forbidden(field: str, message: str) -> Cause:
    return Cause(field, message, FORBIDDEN)


def minimum(field: str, bound: int) -> Cause:
    """The API server's CRD schema message for a ``minimum`` bound (Volcano relies on the CRD)."""
    return invalid(field, f"{field} in body should be greater than or equal to {bound}")


def maximum(field: str, bound: int) -> Cause:
    return invalid(field, f"{field} in body should be less than or equal to {bound}")
