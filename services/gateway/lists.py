"""LIST requests and replies in Kubernetes' shape: query parameters in, ``<Kind>List`` out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from basalt import errors
from basalt.api import kinds
from basalt.v1 import common_pb2

Obj = dict[str, Any]
INT64_MAX = 2**63 - 1  # the proto fields are int64
MAX_LIMIT = 2**31 - 1
"""Largest page the gateway asks the controller for. Kubernetes lets a server return fewer items
than ``limit`` (with ``continue`` for the rest), and the store refuses page sizes near int64."""


def options(query: Mapping[str, str], namespace: str) -> common_pb2.ListOptions:
    """labelSelector, fieldSelector, limit and continue, passed through to the controller."""
    return common_pb2.ListOptions(
        namespace=namespace,
        label_selector=query.get("labelSelector", ""),
        field_selector=query.get("fieldSelector", ""),
        limit=min(non_negative(query, "limit"), MAX_LIMIT),
        continue_token=query.get("continue", ""),
    )


def non_negative(query: Mapping[str, str], name: str) -> int:
    """An optional integer query parameter (0 when absent)."""
    raw = query.get(name, "").strip()
    if not raw:
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise errors.BadRequest(f'{name} must be an integer, not "{raw}"') from None
    if not 0 <= value <= INT64_MAX:
        raise errors.BadRequest(f"{name} must be between 0 and {INT64_MAX}, not {value}")
    return value


def envelope(kind: kinds.Kind, reply: common_pb2.ListResponse) -> Obj:
    """``{"apiVersion", "kind": "<Kind>List", "metadata", "items"}``; like the API server,
    ``metadata.continue`` is present only when more items remain."""
    metadata: Obj = {"resourceVersion": reply.resource_version}
    if reply.continue_token:
        metadata["continue"] = reply.continue_token
    return {"apiVersion": kind.api_version, "kind": f"{kind.kind}List", "metadata": metadata,
            "items": [json.loads(item) for item in reply.items_json]}
