from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SchedulerStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SchedulerStatus(_message.Message):
    __slots__ = ("instance_id", "sessions", "pods_bound", "commit_conflicts", "last_session_seconds")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    PODS_BOUND_FIELD_NUMBER: _ClassVar[int]
    COMMIT_CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    LAST_SESSION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    sessions: int
    pods_bound: int
    commit_conflicts: int
    last_session_seconds: float
    def __init__(self, instance_id: _Optional[str] = ..., sessions: _Optional[int] = ..., pods_bound: _Optional[int] = ..., commit_conflicts: _Optional[int] = ..., last_session_seconds: _Optional[float] = ...) -> None: ...
