from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReviewRequest(_message.Message):
    __slots__ = ("operation", "object_json", "old_object_json")
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    OLD_OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    operation: str
    object_json: str
    old_object_json: str
    def __init__(self, operation: _Optional[str] = ..., object_json: _Optional[str] = ..., old_object_json: _Optional[str] = ...) -> None: ...

class Cause(_message.Message):
    __slots__ = ("field", "message", "reason")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    field: str
    message: str
    reason: str
    def __init__(self, field: _Optional[str] = ..., message: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReviewResponse(_message.Message):
    __slots__ = ("allowed", "object_json", "causes")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    CAUSES_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    object_json: str
    causes: _containers.RepeatedCompositeFieldContainer[Cause]
    def __init__(self, allowed: _Optional[bool] = ..., object_json: _Optional[str] = ..., causes: _Optional[_Iterable[_Union[Cause, _Mapping]]] = ...) -> None: ...
