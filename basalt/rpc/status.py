"""Basalt errors <-> gRPC status, once. Field errors travel as google.rpc.BadRequest details and the
Kubernetes reason as google.rpc.ErrorInfo, so a client rebuilds the exact error it was refused with."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.rpc import error_details_pb2, status_pb2
from google.protobuf import any_pb2

from basalt import errors

DETAILS_KEY = "grpc-status-details-bin"
DOMAIN = "basalt.io"

CODES: dict[type[errors.BasaltError], grpc.StatusCode] = {
    errors.BadRequest: grpc.StatusCode.INVALID_ARGUMENT,
    errors.Invalid: grpc.StatusCode.INVALID_ARGUMENT,
    errors.Unauthorized: grpc.StatusCode.UNAUTHENTICATED,
    errors.Forbidden: grpc.StatusCode.PERMISSION_DENIED,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.Conflict: grpc.StatusCode.ABORTED,
    errors.Insufficient: grpc.StatusCode.ABORTED,
    errors.Gone: grpc.StatusCode.OUT_OF_RANGE,
    errors.TooLarge: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}


def to_status(err: errors.BasaltError) -> tuple[grpc.StatusCode, str, bytes]:
    code = CODES.get(type(err), grpc.StatusCode.INTERNAL)
    details = [_pack(error_details_pb2.ErrorInfo(reason=type(err).__name__, domain=DOMAIN))]
    if err.causes:
        violations = [error_details_pb2.BadRequest.FieldViolation(field=c.field, description=c.message, reason=c.reason)
                      for c in err.causes]
        details.append(_pack(error_details_pb2.BadRequest(field_violations=violations)))
    status = status_pb2.Status(code=code.value[0], message=err.message, details=details)
    return code, err.message, status.SerializeToString()


def from_rpc_error(exc: grpc.RpcError) -> errors.BasaltError:
    """Rebuild the server's error from a failed call (any code, with or without details)."""
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    message = exc.details() if hasattr(exc, "details") else str(exc)
    cls: type[errors.BasaltError] = _class_for_code(code)
    causes: list[errors.Cause] = []
    for key, value in (exc.trailing_metadata() or ()) if hasattr(exc, "trailing_metadata") else ():
        if key != DETAILS_KEY:
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                cls = errors.BY_REASON.get(info.reason, cls)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                causes += [errors.Cause(v.field, v.description, v.reason or "FieldValueInvalid")
                           for v in bad.field_violations]
    return cls(message or code.name, tuple(causes))


def _class_for_code(code: grpc.StatusCode) -> type[errors.BasaltError]:
    for cls, mapped in CODES.items():
        if mapped == code and cls not in (errors.Invalid, errors.Insufficient):
            return cls
    return errors.BasaltError


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def unary(fn: F) -> F:
    """Wrap a unary servicer method: a BasaltError becomes a gRPC status with rich details."""

    @functools.wraps(fn)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await fn(self, request, context)
        except errors.BasaltError as err:
            await abort(context, err)

    return wrapper  # type: ignore[return-value]


def stream(fn: Callable[..., AsyncIterator[Any]]) -> Callable[..., AsyncIterator[Any]]:
    """The same for server-streaming methods."""

    @functools.wraps(fn)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        try:
            async for item in fn(self, request, context):
                yield item
        except errors.BasaltError as err:
            await abort(context, err)

    return wrapper


async def abort(context: grpc.aio.ServicerContext, err: errors.BasaltError) -> None:
    code, message, details = to_status(err)
    await context.abort(code, message, trailing_metadata=((DETAILS_KEY, details),))
