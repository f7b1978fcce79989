"""The controller's side of admission: every create/update is reviewed before it is stored."""

from __future__ import annotations

import json
from typing import Any

import grpc

from basalt import errors
from basalt.api import kinds, meta
from basalt.rpc import server as rpc_server
from basalt.rpc import status
from basalt.v1 import admission_pb2, admission_pb2_grpc

Obj = dict[str, Any]


class AdmissionClient:
    def __init__(self, target: str) -> None:
        self.channel = rpc_server.channel(target)
        self.stub = admission_pb2_grpc.AdmissionServiceStub(self.channel)

    async def review(self, operation: str, obj: Obj, old: Obj | None = None) -> Obj:
        """The defaulted object; raises Invalid with every field error when refused."""
        request = admission_pb2.ReviewRequest(operation=operation, object_json=json.dumps(obj),
                                              old_object_json=json.dumps(old) if old else "")
        try:
            reply = await self.stub.Review(request, timeout=10)
        except grpc.RpcError as exc:
            err = status.from_rpc_error(exc)
            if isinstance(err, errors.BasaltError) and type(err) is errors.BasaltError:
                raise errors.Unavailable(f"admission unavailable: {err.message}") from None
            raise err from None
        if not reply.allowed:
            causes = tuple(errors.Cause(c.field, c.message, c.reason) for c in reply.causes)
            raise errors.Invalid(invalid_message(obj, causes), causes)
        return json.loads(reply.object_json) if reply.object_json else obj

    async def close(self) -> None:
        await self.channel.close()


def invalid_message(obj: Obj, causes: tuple[errors.Cause, ...]) -> str:
    """Kubernetes' form: ``Job.batch.volcano.sh "x" is invalid: [f: msg, g: msg]``."""
    kind = kinds.BY_KIND.get(str(obj.get("kind") or ""))
    qualified = f"{kind.kind}.{kind.group}" if kind and kind.group else str(obj.get("kind") or "object")
    listed = [f"{c.field}: {c.message}" if c.field else c.message for c in causes]
    body = listed[0] if len(listed) == 1 else "[" + ", ".join(listed) + "]"
    return f'{qualified} "{meta.name(obj)}" is invalid: {body}'
