from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SchedulerStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SchedulerStatus(_message.Message):
    __slots__ = ("instance_id", "sessions", "pods_bound", "commit_conflicts", "last_session_seconds", "members", "owned_podgroups", "commits", "last_takeover_seconds")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    PODS_BOUND_FIELD_NUMBER: _ClassVar[int]
    COMMIT_CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    LAST_SESSION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    OWNED_PODGROUPS_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    LAST_TAKEOVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    sessions: int
    pods_bound: int
    commit_conflicts: int
    last_session_seconds: float
    members: _containers.RepeatedScalarFieldContainer[str]
    owned_podgroups: int
    commits: int
    last_takeover_seconds: float
    def __init__(self, instance_id: _Optional[str] = ..., sessions: _Optional[int] = ..., pods_bound: _Optional[int] = ..., commit_conflicts: _Optional[int] = ..., last_session_seconds: _Optional[float] = ..., members: _Optional[_Iterable[str]] = ..., owned_podgroups: _Optional[int] = ..., commits: _Optional[int] = ..., last_takeover_seconds: _Optional[float] = ...) -> None: ...
