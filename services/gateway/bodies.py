"""Request bodies: JSON or YAML by Content-Type (sniffed when absent), into a plain object dict.

Every way a body can be wrong is a ``BadRequest`` saying what failed to parse, never a crash:
the API server answers 400 to unparsable input, and so does the gateway.
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml

from basalt import errors
from basalt.api import kinds
from services.gateway import status

Obj = dict[str, Any]
JSON = "JSON"
YAML = "YAML"
FORMATS = {"application/json": JSON, "application/yaml": YAML, "application/x-yaml": YAML,
           "text/yaml": YAML, "text/x-yaml": YAML}
# No header, or a generic one: `curl -d @job.yaml` sends form-urlencoded unless told otherwise.
SNIFFED = {"", "text/plain", "application/octet-stream", "application/x-www-form-urlencoded"}
MAX_NODES = 1_000_000
"""Bound on values after YAML aliases expand, so a tiny "billion laughs" body cannot exhaust memory."""
NAMESPACE_MISMATCH = "the namespace of the provided object does not match the namespace sent on the request"


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings: objects must stay JSON (creationTimestamp...)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def media_format(content_type: str, data: bytes) -> str:
    """JSON or YAML for a Content-Type (without parameters); UnsupportedMediaType otherwise."""
    content_type = content_type.split(";", 1)[0].strip().lower()
    if content_type in FORMATS:
        return FORMATS[content_type]
    if content_type in SNIFFED:
        return JSON if data.lstrip()[:1] in (b"{", b"[") else YAML
    raise status.UnsupportedMediaType(
        f"the body of the request was in an unknown format - accepted media types include: "
        f"{', '.join(sorted(FORMATS))}")


def decode(data: bytes, content_type: str) -> Obj:
    """The object in ``data``: a JSON object with JSON values only."""
    fmt = media_format(content_type, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.BadRequest(f"the request body is not valid UTF-8: {exc}") from None
    if not text.strip():
        raise errors.BadRequest("the request body is empty")
    obj = _parse(text, fmt)
    if not isinstance(obj, dict):
        raise errors.BadRequest(f"the request body must be a {fmt} object, not {_type_name(obj)}")
    check_values(obj)
    return obj


def _parse(text: str, fmt: str) -> Any:
    try:
        if fmt == JSON:
            return json.loads(text, parse_constant=reject_constant)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except (ValueError, yaml.YAMLError) as exc:  # json.JSONDecodeError is a ValueError
        raise errors.BadRequest(f"the request body could not be parsed as {fmt}: {_one_line(exc)}") from None
    except RecursionError:
        raise errors.BadRequest(f"the request body could not be parsed as {fmt}: nested too deeply") from None


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def check_values(obj: Any) -> None:
    """Refuse what JSON cannot carry (YAML binary, sets, explicit timestamps, NaN) and bodies
    whose aliases expand past ``MAX_NODES`` (which also stops self-referencing YAML)."""
    stack, seen = [obj], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise errors.BadRequest(f"the request body expands to more than {MAX_NODES} values")
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    raise errors.BadRequest(f"the request body has a map key JSON cannot hold: {key!r}")
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise errors.BadRequest(f"the request body has a number JSON cannot hold: {value}")
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise errors.BadRequest(f"the request body has a value JSON cannot hold: {_type_name(value)}")


def place(obj: Obj, kind: kinds.Kind, namespace: str) -> Obj:
    """Check the object belongs at this path and fill what the path implies, as the API server
    does: apiVersion and kind default to the endpoint's, metadata.namespace to the path's."""
    for field, expected in (("apiVersion", kind.api_version), ("kind", kind.kind)):
        given = obj[field] = obj.get(field) or expected
        if given != expected:
            raise errors.BadRequest(f"the {field} in the data ({given}) does not match the expected "
                                    f"{field} ({expected})")
    metadata = obj.get("metadata")
    metadata = obj["metadata"] = {} if metadata is None else metadata  # null or absent: empty
    if not isinstance(metadata, dict):
        raise errors.BadRequest(f"metadata must be an object, not {_type_name(metadata)}")
    if not kind.namespaced:
        metadata.pop("namespace", None)  # the API server clears it on cluster-scoped objects
        return obj
    # An empty namespace means "unset" in Kubernetes, so it takes the path's.
    if (metadata.get("namespace") or namespace) != namespace:
        raise errors.BadRequest(NAMESPACE_MISMATCH)
    metadata["namespace"] = namespace
    return obj


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean",
            list: "a list"}.get(type(value), type(value).__name__)


def _one_line(exc: Exception) -> str:
    # PyYAML names its input "<unicode string>" and draws a caret under the spot: noise in a one-line message.
    text = str(exc).replace(' in "<unicode string>",', " at").replace("^", "")
    return " ".join(text.split())
