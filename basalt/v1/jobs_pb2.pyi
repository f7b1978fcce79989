from basalt.v1 import common_pb2 as _common_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CreateJobRequest(_message.Message):
    __slots__ = ("namespace", "object_json", "idempotency_key")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    object_json: str
    idempotency_key: str
    def __init__(self, namespace: _Optional[str] = ..., object_json: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class LogRequest(_message.Message):
    __slots__ = ("namespace", "name", "tail_lines")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TAIL_LINES_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    name: str
    tail_lines: int
    def __init__(self, namespace: _Optional[str] = ..., name: _Optional[str] = ..., tail_lines: _Optional[int] = ...) -> None: ...

class LogResponse(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...
