"""The agent's settings, from ``BASALT_<FIELD>`` environment variables (see basalt.config)."""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import tempfile

from basalt import config
from basalt.api import quantity, resources

RUNTIMES = ("process", "fake", "kubernetes")
DEFAULT_PODS = "110"  # the kubelet's default --max-pods

# Kubernetes qualified names: an optional DNS-subdomain prefix, then a name of up to 63 characters.
_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
_QUALIFIED = re.compile(rf"^([a-z0-9]([-a-z0-9.]{{0,251}}[a-z0-9])?/)?{_NAME}$")
_LABEL_VALUE = re.compile(rf"^({_NAME})?$")


def _default_agent_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _default_work_dir() -> str:
    return os.path.join(tempfile.gettempdir(), f"basalt-agent-{os.getpid()}")


@dataclasses.dataclass(frozen=True)
class Settings:
    controller: str = "127.0.0.1:7001"
    """The controller's gRPC address (its NodeService)."""

    listen: str = "127.0.0.1:0"
    """Where the agent's own gRPC server (health only) listens; port 0 picks a free one."""

    runtime: str = "process"
    """How pods run: ``process`` (local subprocesses), ``fake`` (simulated, for scale tests) or
    ``kubernetes`` (as pods of a real cluster, whose nodes the agent presents; see ``k8s_*``)."""

    nodes: int = 1
    """How many nodes this agent presents (``<node_prefix>-0`` ... ``-<nodes-1>``)."""

    node_resources: str = "cpu=4,memory=8Gi,pods=110"
    """Each node's capacity as ``name=quantity`` pairs, e.g. ``cpu=8,memory=32Gi,nvidia.com/gpu=4``."""

    node_prefix: str = "node"
    """The prefix of the node names."""

    agent_id: str = dataclasses.field(default_factory=_default_agent_id)
    """This agent's identity towards the controller (default: hostname and pid)."""

    work_dir: str = dataclasses.field(default_factory=_default_work_dir)
    """Where process pods get their working directories and their captured logs."""

    heartbeat_seconds: float = 2.0
    """Seconds between heartbeats."""

    node_labels: str = ""
    """Extra labels on every node, as ``key=value`` pairs separated by commas."""

    k8s_kubeconfig: str = ""
    """Runtime ``kubernetes``: the kubeconfig file of the cluster; empty for the in-cluster service account."""

    k8s_context: str = ""
    """Runtime ``kubernetes``: the kubeconfig context to use; empty for its current context."""

    k8s_namespace: str = "basalt-pods"
    """Runtime ``kubernetes``: the namespace (which must exist) where Basalt's pods run, whatever their
    Basalt namespace."""

    k8s_node_selector: str = ""
    """Runtime ``kubernetes``: a label selector picking the cluster's nodes this agent presents
    (e.g. ``basalt.io/pool=gpu``); empty for every node. The other settings about nodes are unused."""

    k8s_keep_finished: bool = False
    """Runtime ``kubernetes``: keep finished Kubernetes pods (for ``kubectl``); by default they are deleted
    once their status and log have reached Basalt."""

    k8s_keep_pods_on_exit: bool = False
    """Runtime ``kubernetes``: leave the pods running when the agent stops, to be adopted by the next agent
    when the controller assigns them again; by default they are deleted, like a node agent's pods."""

    def __post_init__(self) -> None:
        _check(self.runtime in RUNTIMES, "runtime", self.runtime, f"must be one of {', '.join(RUNTIMES)}")
        _check(self.nodes >= 1, "nodes", str(self.nodes), "must be at least 1")
        _check(self.heartbeat_seconds > 0, "heartbeat_seconds", str(self.heartbeat_seconds), "must be positive")
        _check(bool(self.node_prefix), "node_prefix", self.node_prefix, "must not be empty")
        _check(bool(self.k8s_namespace), "k8s_namespace", self.k8s_namespace, "must not be empty")
        self.capacity()
        self.labels()

    def capacity(self) -> dict[str, str]:
        """Each node's capacity as Kubernetes quantity strings; ``pods`` is always present."""
        parsed: dict[str, int] = {}
        for name, value in _pairs("node_resources", self.node_resources):
            _check(bool(_QUALIFIED.match(name)), "node_resources", self.node_resources,
                   f"{name!r} is not a resource name")
            try:
                milli = quantity.to_milli(value)
            except quantity.QuantityError as exc:
                raise _error("node_resources", self.node_resources, f"{name}: {exc}") from None
            _check(milli >= 0, "node_resources", self.node_resources, f"{name} must not be negative")
            parsed[name] = milli
        parsed.setdefault(resources.PODS, quantity.to_milli(DEFAULT_PODS))
        return resources.to_quantities(parsed)

    def labels(self) -> dict[str, str]:
        """The extra node labels."""
        out: dict[str, str] = {}
        for key, value in _pairs("node_labels", self.node_labels):
            _check(bool(_QUALIFIED.match(key)), "node_labels", self.node_labels, f"{key!r} is not a label key")
            _check(bool(_LABEL_VALUE.match(value)), "node_labels", self.node_labels,
                   f"{value!r} is not a label value")
            out[key] = value
        return out

    def node_names(self) -> list[str]:
        return [f"{self.node_prefix}-{i}" for i in range(self.nodes)]


def _pairs(field: str, raw: str) -> list[tuple[str, str]]:
    """``a=1, b=2`` as pairs; each key at most once."""
    pairs: list[tuple[str, str]] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        _check(bool(sep), field, raw, f"{item!r} is not name=value")
        _check(key.strip() not in dict(pairs), field, raw, f"{key.strip()!r} is given twice")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _check(ok: bool, field: str, raw: str, problem: str) -> None:
    if not ok:
        raise _error(field, raw, problem)


def _error(field: str, raw: str, problem: str) -> config.SettingsError:
    return config.SettingsError(f"{config.env_name(field)}={raw!r}: {problem}")
