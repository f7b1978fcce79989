"""One error root for Basalt. Each error knows its Kubernetes Status reason and HTTP code;
basalt/rpc/status.py maps them once to gRPC codes and back, so a refusal reads the same over
REST, gRPC and the CLI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cause:
    """One field error, in Kubernetes StatusCause shape."""

    field: str
    message: str
    reason: str = "FieldValueInvalid"


class BasaltError(Exception):
    reason = "InternalError"
    http_status = 500

    def __init__(self, message: str, causes: tuple[Cause, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.causes = causes


class BadRequest(BasaltError):
    reason = "BadRequest"
    http_status = 400


class Unauthorized(BasaltError):
    reason = "Unauthorized"
    http_status = 401


class Forbidden(BasaltError):
    reason = "Forbidden"
    http_status = 403


class NotFound(BasaltError):
    reason = "NotFound"
    http_status = 404


class AlreadyExists(BasaltError):
    reason = "AlreadyExists"
    http_status = 409


class Conflict(BasaltError):
    """A compare-and-set lost: the object changed since the caller read it."""

    reason = "Conflict"
    http_status = 409


class Gone(BasaltError):
    """A watch asked for a resourceVersion older than the retained history."""

    reason = "Expired"
    http_status = 410


class TooLarge(BasaltError):
    reason = "RequestEntityTooLarge"
    http_status = 413


class Invalid(BasaltError):
    """Refused by admission; ``causes`` holds every field error of the object."""

    reason = "Invalid"
    http_status = 422


class Insufficient(BasaltError):
    """A bind was refused because a node (or queue) no longer has the resources."""

    reason = "Conflict"
    http_status = 409


class Unavailable(BasaltError):
    reason = "ServiceUnavailable"
    http_status = 503


BY_REASON: dict[str, type[BasaltError]] = {
    cls.__name__: cls
    for cls in (BadRequest, Unauthorized, Forbidden, NotFound, AlreadyExists, Conflict, Gone,
                TooLarge, Invalid, Insufficient, Unavailable, BasaltError)
}
