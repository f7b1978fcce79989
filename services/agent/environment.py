"""A container's environment and command line, built as the kubelet builds them.

Pure: the host variables a process needs are passed in, nothing is read from the machine here.
Variable references ``$(VAR)`` in env values, command and args expand the way Kubernetes'
``third_party/forked/golang/expansion`` does: ``$$`` is a literal ``$``, an undefined or
unterminated reference is left as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from basalt.api import labels, meta

# Host variables a local process needs to find its tools; everything else comes from the pod.
HOST_VARIABLES = ("PATH", "HOME", "LANG", "PYTHONPATH")
TASK_INDEX_VARIABLES = ("VC_TASK_INDEX", "VK_TASK_INDEX")
POD_IP = "127.0.0.1"


def expand(text: str, defined: Mapping[str, str]) -> str:
    """Replace ``$(NAME)`` with ``defined[NAME]``, exactly like Kubernetes' ``expansion.Expand``."""
    out: list[str] = []
    checkpoint = cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            consumed, advance = _reference(text, cursor + 1, defined)
            out.append(consumed)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    out.append(text[checkpoint:])
    return "".join(out)


def _reference(text: str, start: int, defined: Mapping[str, str]) -> tuple[str, int]:
    """What the ``$`` before ``text[start]`` stands for, and how many characters it consumed."""
    head = text[start]
    if head == "$":
        return "$", 1
    if head == "(":
        close = text.find(")", start + 1)
        if close >= 0:
            name = text[start + 1:close]
            return defined.get(name, f"$({name})"), close - start + 1
        return "$(", 1
    return "$" + head, 1


def pod_variables(pod: meta.Obj, container: Mapping[str, Any], node_name: str) -> dict[str, str]:
    """The variables Kubernetes would define for ``container``, in order, references expanded.

    Volcano's task index is added from the pod's label when the container does not set it itself
    (the controller's ``env`` plugin normally does), so a pod made by hand still learns its index.
    """
    defined: dict[str, str] = {}
    declared = {str(entry.get("name")) for entry in container.get("env") or []}
    index = meta.labels(pod).get(labels.TASK_INDEX)
    if index is not None:
        defined.update({name: str(index) for name in TASK_INDEX_VARIABLES if name not in declared})
    for entry in container.get("env") or []:
        value = _entry_value(pod, entry, node_name, defined)
        if value is not None:
            defined[str(entry["name"])] = value
    return defined


def _entry_value(pod: meta.Obj, entry: Mapping[str, Any], node_name: str,
                 defined: Mapping[str, str]) -> str | None:
    if "value" in entry:
        return expand(str(entry["value"] or ""), defined)
    field_ref = (entry.get("valueFrom") or {}).get("fieldRef")
    if field_ref:
        return _field(pod, str(field_ref.get("fieldPath") or ""), node_name)
    if "valueFrom" not in entry:
        return ""  # a declared variable without a value is set, and empty
    return None  # secrets, config maps and resource fields have no local source


def _field(pod: meta.Obj, path: str, node_name: str) -> str | None:
    fields = {
        "metadata.name": meta.name(pod),
        "metadata.namespace": meta.namespace(pod),
        "metadata.uid": meta.uid(pod),
        "spec.nodeName": node_name,
        "status.podIP": POD_IP,
    }
    return fields.get(path)


def process_env(host: Mapping[str, str], defined: Mapping[str, str]) -> dict[str, str]:
    """The environment of the local process: the host's essentials, then the pod's variables."""
    env = {name: host[name] for name in HOST_VARIABLES if name in host}
    env.update(defined)
    return env


def argv(container: Mapping[str, Any], defined: Mapping[str, str]) -> list[str]:
    """``command + args`` expanded; with no command the args are the command line (there is no
    image entrypoint to fall back to). Empty when the container names nothing to run."""
    words = [str(w) for w in (container.get("command") or [])] + [str(w) for w in (container.get("args") or [])]
    return [expand(word, defined) for word in words]
