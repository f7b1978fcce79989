"""AdmissionService.Review over gRPC: decode, run the pure rules, encode."""

from __future__ import annotations

import json

import grpc

from basalt import errors
from basalt.rpc import status
from basalt.store import objects
from basalt.v1 import admission_pb2, admission_pb2_grpc
from services.admission import context, review


class AdmissionServicer(admission_pb2_grpc.AdmissionServiceServicer):
    def __init__(self, store: objects.Store) -> None:
        self.store = store

    @status.unary
    async def Review(self, request: admission_pb2.ReviewRequest,
                     ctx: grpc.aio.ServicerContext) -> admission_pb2.ReviewResponse:
        try:
            obj = json.loads(request.object_json) if request.object_json else {}
            old = json.loads(request.old_object_json) if request.old_object_json else None
        except json.JSONDecodeError as exc:
            raise errors.BadRequest(f"object is not valid JSON: {exc}") from None
        if not isinstance(obj, dict) or (old is not None and not isinstance(old, dict)):
            raise errors.BadRequest("object must be a JSON object")
        kind = str(obj.get("kind") or (old or {}).get("kind") or "")
        snapshot = await context.load(self.store, kind)
        result = review.review(request.operation, obj, old, snapshot)
        return admission_pb2.ReviewResponse(
            allowed=result.allowed,
            object_json=json.dumps(result.obj) if result.obj is not None else "",
            causes=[admission_pb2.Cause(field=c.field, message=c.message, reason=c.reason) for c in result.causes],
        )
