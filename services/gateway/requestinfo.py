"""What a request is about, read from its path and method the way the API server's
RequestInfoFactory does: API group, version, namespace, resource, name, subresource and verb.

Authorization and the OpenAPI document both need this; neither cares which handler serves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WRITE_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
TRUE = {"true", "1"}


@dataclass(frozen=True)
class RequestInfo:
    is_resource: bool
    verb: str = ""
    group: str = ""
    version: str = ""
    namespace: str = ""
    resource: str = ""
    name: str = ""
    subresource: str = ""

    @property
    def read_only(self) -> bool:
        return self.verb in ("get", "list", "watch")

    @property
    def qualified_resource(self) -> str:
        """``jobs.batch.volcano.sh`` (``pods`` in the core group), as Kubernetes names it in errors."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def resource_path(self) -> str:
        """``jobs`` or ``jobs/status``: what RBAC rules and Kubernetes' messages name."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


def parse(method: str, path: str, query: Mapping[str, str]) -> RequestInfo:
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return RequestInfo(is_resource=False, verb=method.lower())
    namespace = ""
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    if not rest:
        return RequestInfo(is_resource=False, verb=method.lower())
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    return RequestInfo(True, verb(method, bool(name), query), group, version, namespace, rest[0], name,
                       subresource)


def verb(method: str, named: bool, query: Mapping[str, str]) -> str:
    method = method.upper()
    if method in ("GET", "HEAD"):
        if query.get("watch", "").lower() in TRUE:
            return "watch"
        return "get" if named else "list"
    if method == "DELETE" and not named:
        return "deletecollection"
    return WRITE_VERBS.get(method, method.lower())


def watching(query: Mapping[str, str]) -> bool:
    return query.get("watch", "").lower() in TRUE
