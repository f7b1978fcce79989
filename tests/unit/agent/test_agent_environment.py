"""Container environments and $(VAR) expansion, as the kubelet builds them."""

from __future__ import annotations

from typing import Any

import pytest

from services.agent import environment


class ContainerBuilder:
    """``ContainerBuilder().env("A", "1").field("N", "metadata.name").obj()``"""

    def __init__(self) -> None:
        self._c: dict[str, Any] = {"name": "main", "env": []}

    def env(self, name: str, value: str) -> ContainerBuilder:
        self._c["env"].append({"name": name, "value": value})
        return self

    def field(self, name: str, path: str) -> ContainerBuilder:
        self._c["env"].append({"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}})
        return self

    def secret(self, name: str) -> ContainerBuilder:
        self._c["env"].append({"name": name, "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}})
        return self

    def run(self, command: list[str] | None = None, args: list[str] | None = None) -> ContainerBuilder:
        if command is not None:
            self._c["command"] = command
        if args is not None:
            self._c["args"] = args
        return self

    def obj(self) -> dict[str, Any]:
        return self._c


def pod(index: str | None = None) -> dict[str, Any]:
    labels = {"volcano.sh/task-index": index} if index is not None else {}
    return {"metadata": {"name": "job-worker-2", "namespace": "team", "uid": "u-1", "labels": labels},
            "spec": {"nodeName": "node-1"}}


@pytest.mark.parametrize(("text", "expanded"), [
    ("$(A)", "alpha"),
    ("x$(A)y$(B)z", "xalphaybetaz"),
    ("$(MISSING)", "$(MISSING)"),
    ("$$(A)", "$(A)"),
    ("$$$(A)", "$alpha"),
    ("$$", "$"),
    ("$", "$"),
    ("$A", "$A"),
    ("$(A", "$(A"),
    ("a$(A)$", "aalpha$"),
    ("$()", "$()"),
    ("no refs", "no refs"),
])
def test_expand_follows_kubernetes(text: str, expanded: str) -> None:
    assert environment.expand(text, {"A": "alpha", "B": "beta"}) == expanded


def test_pod_variables_fields_values_and_references() -> None:
    container = (ContainerBuilder().env("BASE", "/data").env("OUT", "$(BASE)/out").env("LATER", "$(NEXT)")
                 .env("NEXT", "n").field("POD", "metadata.name").field("NS", "metadata.namespace")
                 .field("UID", "metadata.uid").field("NODE", "spec.nodeName").field("IP", "status.podIP")
                 .field("SA", "spec.serviceAccountName").secret("TOKEN").obj())
    assert environment.pod_variables(pod(), container, "node-7") == {
        "BASE": "/data", "OUT": "/data/out", "LATER": "$(NEXT)", "NEXT": "n", "POD": "job-worker-2",
        "NS": "team", "UID": "u-1", "NODE": "node-7", "IP": "127.0.0.1",
    }


@pytest.mark.parametrize(("index", "declared", "expected"), [
    ("2", {}, {"VC_TASK_INDEX": "2", "VK_TASK_INDEX": "2"}),
    ("2", {"VC_TASK_INDEX": "5"}, {"VC_TASK_INDEX": "5", "VK_TASK_INDEX": "2"}),
    (None, {}, {}),
])
def test_task_index_from_label_unless_declared(index: str | None, declared: dict[str, str],
                                               expected: dict[str, str]) -> None:
    builder = ContainerBuilder()
    for name, value in declared.items():
        builder.env(name, value)
    defined = environment.pod_variables(pod(index), builder.obj(), "node-1")
    assert defined == expected
    assert len(builder.obj()["env"]) == len(declared)  # the pod itself is not changed


def test_process_env_keeps_only_host_essentials() -> None:
    host = {"PATH": "/bin", "HOME": "/root", "LANG": "C.UTF-8", "SECRET": "x", "PYTHONPATH": "/src"}
    env = environment.process_env(host, {"A": "1", "PATH": "/opt/bin"})
    assert env == {"PATH": "/opt/bin", "HOME": "/root", "LANG": "C.UTF-8", "PYTHONPATH": "/src", "A": "1"}


@pytest.mark.parametrize(("command", "args", "argv"), [
    (["sh", "-c"], ["echo $(A)"], ["sh", "-c", "echo alpha"]),
    (None, ["python", "-m", "$(A)"], ["python", "-m", "alpha"]),
    (["sleep", "1"], None, ["sleep", "1"]),
    (None, None, []),
    (["echo", "$$(A)", "$(NOPE)"], [], ["echo", "$(A)", "$(NOPE)"]),
])
def test_argv(command: list[str] | None, args: list[str] | None, argv: list[str]) -> None:
    container = ContainerBuilder().run(command, args).obj()
    assert environment.argv(container, {"A": "alpha"}) == argv
