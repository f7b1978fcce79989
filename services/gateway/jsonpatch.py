"""JSON Patch (RFC 6902), which the API server accepts on custom resources
(``kubectl patch --type=json``): add, remove, replace, move, copy and test, applied to a copy.

Every way a patch can fail is a ``BadRequest`` naming the operation, never a crash.
"""

from __future__ import annotations

import copy
from typing import Any

from basalt import errors


def apply(target: Any, operations: Any) -> Any:
    if not isinstance(operations, list):
        raise errors.BadRequest("a JSON patch must be a list of operations")
    result = copy.deepcopy(target)
    for index, op in enumerate(operations):
        if not isinstance(op, dict) or not isinstance(op.get("op"), str) or not isinstance(op.get("path"), str):
            raise errors.BadRequest(f"JSON patch operation {index} needs string fields op and path")
        result = _one(result, op)
    return result


def _one(doc: Any, op: dict[str, Any]) -> Any:
    name, path = op["op"], op["path"]
    if name in ("add", "replace", "test") and "value" not in op:
        raise errors.BadRequest(f"JSON patch {name} at {path} needs a value")
    if name == "add":
        return _add(doc, path, copy.deepcopy(op["value"]))
    if name == "remove":
        return _remove(doc, path)[0]
    if name == "replace":
        return _add(_remove(doc, path)[0], path, copy.deepcopy(op["value"]))
    if name in ("move", "copy"):
        source = op.get("from")
        if not isinstance(source, str):
            raise errors.BadRequest(f"JSON patch {name} to {path} needs a string from")
        if name == "move":
            doc, value = _remove(doc, source)
        else:
            value = copy.deepcopy(_get(doc, source))
        return _add(doc, path, value)
    if name == "test":
        if _get(doc, path) != op["value"]:
            raise errors.BadRequest(f"JSON patch test failed at {path}")
        return doc
    raise errors.BadRequest(f"unknown JSON patch operation {name!r}")


def _tokens(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.BadRequest(f"JSON pointer {path!r} must start with /")
    return [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]


def _index(container: list[Any], token: str, path: str, adding: bool = False) -> int:
    if adding and token == "-":
        return len(container)
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise errors.BadRequest(f"JSON pointer {path!r}: {token!r} is not an array index")
    index = int(token)
    if index > len(container) or (index == len(container) and not adding):
        raise errors.BadRequest(f"JSON pointer {path!r}: index {index} is out of range")
    return index


def _parent(doc: Any, path: str) -> tuple[Any, str]:
    tokens = _tokens(path)
    if not tokens:
        raise errors.BadRequest("JSON patch cannot change the whole document here")
    parent = doc
    for token in tokens[:-1]:
        parent = _step(parent, token, path)
    return parent, tokens[-1]


def _step(value: Any, token: str, path: str) -> Any:
    if isinstance(value, dict) and token in value:
        return value[token]
    if isinstance(value, list):
        return value[_index(value, token, path)]
    raise errors.BadRequest(f"JSON pointer {path!r} does not exist")


def _get(doc: Any, path: str) -> Any:
    value = doc
    for token in _tokens(path):
        value = _step(value, token, path)
    return value


def _add(doc: Any, path: str, value: Any) -> Any:
    if path == "":
        return value
    parent, last = _parent(doc, path)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, last, path, adding=True), value)
    else:
        raise errors.BadRequest(f"JSON pointer {path!r} does not exist")
    return doc


def _remove(doc: Any, path: str) -> tuple[Any, Any]:
    parent, last = _parent(doc, path)
    if isinstance(parent, dict) and last in parent:
        return doc, parent.pop(last)
    if isinstance(parent, list):
        return doc, parent.pop(_index(parent, last, path))
    raise errors.BadRequest(f"JSON pointer {path!r} does not exist")
