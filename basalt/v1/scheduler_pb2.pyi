from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SchedulerStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SchedulerStatus(_message.Message):
    __slots__ = ("instance_id", "sessions", "pods_bound", "commit_conflicts", "last_session_seconds", "members", "owned_podgroups", "commits", "last_takeover_seconds", "sessions_skipped")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    PODS_BOUND_FIELD_NUMBER: _ClassVar[int]
    COMMIT_CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    LAST_SESSION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    OWNED_PODGROUPS_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    LAST_TAKEOVER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    sessions: int
    pods_bound: int
    commit_conflicts: int
    last_session_seconds: float
    members: _containers.RepeatedScalarFieldContainer[str]
    owned_podgroups: int
    commits: int
    last_takeover_seconds: float
    sessions_skipped: int
    def __init__(self, instance_id: _Optional[str] = ..., sessions: _Optional[int] = ..., pods_bound: _Optional[int] = ..., commit_conflicts: _Optional[int] = ..., last_session_seconds: _Optional[float] = ..., members: _Optional[_Iterable[str]] = ..., owned_podgroups: _Optional[int] = ..., commits: _Optional[int] = ..., last_takeover_seconds: _Optional[float] = ..., sessions_skipped: _Optional[int] = ...) -> None: ...

class ClusterStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class InstanceStatus(_message.Message):
    __slots__ = ("id", "address", "lease_renewed", "scheduler", "metrics_address")
    ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LEASE_RENEWED_FIELD_NUMBER: _ClassVar[int]
    SCHEDULER_FIELD_NUMBER: _ClassVar[int]
    METRICS_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    id: str
    address: str
    lease_renewed: float
    scheduler: SchedulerStatus
    metrics_address: str
    def __init__(self, id: _Optional[str] = ..., address: _Optional[str] = ..., lease_renewed: _Optional[float] = ..., scheduler: _Optional[_Union[SchedulerStatus, _Mapping]] = ..., metrics_address: _Optional[str] = ...) -> None: ...

class ClusterStatus(_message.Message):
    __slots__ = ("schedulers", "controllers", "nodes", "ready_nodes")
    SCHEDULERS_FIELD_NUMBER: _ClassVar[int]
    CONTROLLERS_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    READY_NODES_FIELD_NUMBER: _ClassVar[int]
    schedulers: _containers.RepeatedCompositeFieldContainer[InstanceStatus]
    controllers: _containers.RepeatedCompositeFieldContainer[InstanceStatus]
    nodes: int
    ready_nodes: int
    def __init__(self, schedulers: _Optional[_Iterable[_Union[InstanceStatus, _Mapping]]] = ..., controllers: _Optional[_Iterable[_Union[InstanceStatus, _Mapping]]] = ..., nodes: _Optional[int] = ..., ready_nodes: _Optional[int] = ...) -> None: ...

class ListNodesRequest(_message.Message):
    __slots__ = ("label_selector", "field_selector")
    LABEL_SELECTOR_FIELD_NUMBER: _ClassVar[int]
    FIELD_SELECTOR_FIELD_NUMBER: _ClassVar[int]
    label_selector: str
    field_selector: str
    def __init__(self, label_selector: _Optional[str] = ..., field_selector: _Optional[str] = ...) -> None: ...

class ListNodesResponse(_message.Message):
    __slots__ = ("items_json", "resource_version")
    ITEMS_JSON_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_VERSION_FIELD_NUMBER: _ClassVar[int]
    items_json: _containers.RepeatedScalarFieldContainer[str]
    resource_version: str
    def __init__(self, items_json: _Optional[_Iterable[str]] = ..., resource_version: _Optional[str] = ...) -> None: ...
