from basalt.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PodLog(_message.Message):
    __slots__ = ("pod", "data")
    POD_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    pod: str
    data: bytes
    def __init__(self, pod: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class JobLogsResponse(_message.Message):
    __slots__ = ("pods",)
    PODS_FIELD_NUMBER: _ClassVar[int]
    pods: _containers.RepeatedCompositeFieldContainer[PodLog]
    def __init__(self, pods: _Optional[_Iterable[_Union[PodLog, _Mapping]]] = ...) -> None: ...

class UpdateRequest(_message.Message):
    __slots__ = ("object_json",)
    OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    object_json: str
    def __init__(self, object_json: _Optional[str] = ...) -> None: ...

class WatchRequest(_message.Message):
    __slots__ = ("namespace", "resource_version", "label_selector", "field_selector")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_VERSION_FIELD_NUMBER: _ClassVar[int]
    LABEL_SELECTOR_FIELD_NUMBER: _ClassVar[int]
    FIELD_SELECTOR_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    resource_version: str
    label_selector: str
    field_selector: str
    def __init__(self, namespace: _Optional[str] = ..., resource_version: _Optional[str] = ..., label_selector: _Optional[str] = ..., field_selector: _Optional[str] = ...) -> None: ...

class WatchEvent(_message.Message):
    __slots__ = ("type", "object_json")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    type: str
    object_json: str
    def __init__(self, type: _Optional[str] = ..., object_json: _Optional[str] = ...) -> None: ...

class PendingReason(_message.Message):
    __slots__ = ("stage", "message", "failing_nodes", "nodes_checked")
    class FailingNodesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    STAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FAILING_NODES_FIELD_NUMBER: _ClassVar[int]
    NODES_CHECKED_FIELD_NUMBER: _ClassVar[int]
    stage: str
    message: str
    failing_nodes: _containers.ScalarMap[str, int]
    nodes_checked: int
    def __init__(self, stage: _Optional[str] = ..., message: _Optional[str] = ..., failing_nodes: _Optional[_Mapping[str, int]] = ..., nodes_checked: _Optional[int] = ...) -> None: ...

class ExplainResponse(_message.Message):
    __slots__ = ("phase", "podgroup", "podgroup_phase", "queue", "queue_position", "queue_pending", "reasons", "summary")
    PHASE_FIELD_NUMBER: _ClassVar[int]
    PODGROUP_FIELD_NUMBER: _ClassVar[int]
    PODGROUP_PHASE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    QUEUE_PENDING_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    phase: str
    podgroup: str
    podgroup_phase: str
    queue: str
    queue_position: int
    queue_pending: int
    reasons: _containers.RepeatedCompositeFieldContainer[PendingReason]
    summary: str
    def __init__(self, phase: _Optional[str] = ..., podgroup: _Optional[str] = ..., podgroup_phase: _Optional[str] = ..., queue: _Optional[str] = ..., queue_position: _Optional[int] = ..., queue_pending: _Optional[int] = ..., reasons: _Optional[_Iterable[_Union[PendingReason, _Mapping]]] = ..., summary: _Optional[str] = ...) -> None: ...

class CreateObjectRequest(_message.Message):
    __slots__ = ("namespace", "object_json", "idempotency_key")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_JSON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    object_json: str
    idempotency_key: str
    def __init__(self, namespace: _Optional[str] = ..., object_json: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class OperateQueueRequest(_message.Message):
    __slots__ = ("name", "action")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    action: str
    def __init__(self, name: _Optional[str] = ..., action: _Optional[str] = ...) -> None: ...

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
