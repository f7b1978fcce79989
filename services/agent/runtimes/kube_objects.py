"""Translation between Basalt's objects and a real cluster's, for the ``kubernetes`` runtime.

Pure: no I/O and no kubernetes_asyncio; plain Kubernetes-shaped dicts in and out.

- A real Node becomes the Basalt Node the agent registers: same name, labels, taints,
  unschedulable, capacity, allocatable, conditions and addresses, plus the agent's label.
- A bound Basalt pod becomes the Kubernetes Pod that runs it, in one namespace of the cluster, with
  ``spec.nodeName`` set so the kube-scheduler is bypassed (Basalt already placed it).
- A Kubernetes Pod's status becomes the Basalt outcome (phase, exit code, reason).
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from basalt.api import labels as basalt_labels, meta
from services.agent import environment, nodes
from services.agent.runtimes import base

POD_UID_LABEL = "basalt.io/pod-uid"
POD_NAMESPACE_LABEL = "basalt.io/pod-namespace"
POD_NAME_ANNOTATION = "basalt.io/pod-name"
# Selects every pod this runtime made, whichever agent made it.
SELECTOR = POD_UID_LABEL
DELETED = "Deleted"  # reason of a pod deleted behind the agent's back
MAX_NAME = 253
# Fields that make sense only in the Basalt namespace or for Volcano's scheduler: the pod runs in
# another namespace (its service account, priority class may not exist there) on a node already chosen.
_DROPPED_SPEC = ("nodeName", "schedulerName", "priority", "priorityClassName", "serviceAccountName",
                 "serviceAccount", "preemptionPolicy")
_NODE_SPEC = ("taints", "unschedulable", "podCIDR", "providerID")
_NODE_STATUS = ("capacity", "allocatable", "conditions", "addresses", "nodeInfo")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def node_object(kube_node: meta.Obj, agent_id: str) -> meta.Obj:
    """The Basalt Node presenting ``kube_node``; only what scheduling and ``kubectl`` need."""
    source_meta = kube_node.get("metadata") or {}
    spec = kube_node.get("spec") or {}
    status = kube_node.get("status") or {}
    node_labels = {**(source_meta.get("labels") or {}), nodes.AGENT_LABEL: agent_id}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": source_meta.get("name"), "labels": node_labels,
                     "annotations": dict(source_meta.get("annotations") or {})},
        "spec": {key: copy.deepcopy(spec[key]) for key in _NODE_SPEC if key in spec},
        "status": {key: copy.deepcopy(status[key]) for key in _NODE_STATUS if key in status},
    }


def kube_name(pod: base.Pod) -> str:
    """The Kubernetes pod's name: ``<namespace>.<name>.<uid hash>``.

    Every Basalt namespace shares one Kubernetes namespace, and a job's pods come back with the
    same names after a restart, so the namespace and a hash of the uid keep names unique (a
    namespace has no dots, so the name stays unambiguous). A too long Basalt name is cut.
    """
    digest = hashlib.sha256(meta.uid(pod).encode()).hexdigest()[:10]
    prefix = f"{meta.namespace(pod) or 'default'}."
    room = MAX_NAME - len(prefix) - len(digest) - 1
    body = meta.name(pod)[:room].rstrip(".-")
    return f"{prefix}{body}.{digest}"


def pod_manifest(pod: base.Pod, node: str) -> meta.Obj:
    """The Kubernetes Pod running ``pod`` on ``node``; its namespace is set by the caller's request."""
    source = copy.deepcopy(pod)
    source_meta = source.get("metadata") or {}
    spec = {key: value for key, value in (source.get("spec") or {}).items() if key not in _DROPPED_SPEC}
    spec["nodeName"] = node
    # Basalt's controller owns restarts (job policies), so a pod that says nothing runs once.
    spec.setdefault("restartPolicy", "Never")
    if "hostname" not in spec and _DNS_LABEL.match(meta.name(pod)):
        spec["hostname"] = meta.name(pod)  # what the container would see under Volcano
    index = meta.labels(pod).get(basalt_labels.TASK_INDEX)
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        _add_task_index(container, index)
    pod_labels = dict(source_meta.get("labels") or {})
    pod_labels[POD_UID_LABEL] = meta.uid(pod)
    if meta.namespace(pod):
        pod_labels[POD_NAMESPACE_LABEL] = meta.namespace(pod)
    annotations = dict(source_meta.get("annotations") or {})
    annotations[POD_NAME_ANNOTATION] = meta.key(pod)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": kube_name(pod), "labels": pod_labels, "annotations": annotations},
        "spec": spec,
    }


def _add_task_index(container: dict[str, Any], index: str | None) -> None:
    """Volcano's task index variables, as the process runtime defines them, unless declared."""
    if index is None:
        return
    env = container.setdefault("env", [])
    declared = {entry.get("name") for entry in env}
    env.extend({"name": name, "value": str(index)} for name in environment.TASK_INDEX_VARIABLES
               if name not in declared)


def pod_uid(kube_pod: meta.Obj) -> str:
    """The Basalt uid of the pod a Kubernetes pod runs ("" when it is not one of ours)."""
    return str(meta.labels(kube_pod).get(POD_UID_LABEL) or "")


def phase(kube_pod: meta.Obj) -> str:
    return str((kube_pod.get("status") or {}).get("phase") or "Pending")


def started_containers(kube_pod: meta.Obj) -> list[tuple[str, int]]:
    """Containers (init first, in spec order) whose current run has started, so its log can be
    read, with that run's restart count (a container restarted in place has a new log)."""
    status = kube_pod.get("status") or {}
    started = {str(s.get("name")): int(s.get("restartCount") or 0) for s in _statuses(status)
               if {"running", "terminated"} & set(s.get("state") or {})}
    return [(name, started[name]) for name in container_names(kube_pod) if name in started]


def run_ended(kube_pod: meta.Obj, container: str, restarts: int) -> bool:
    """Whether this run of the container has ended (terminated, or restarted since)."""
    for entry in _statuses(kube_pod.get("status") or {}):
        if entry.get("name") == container:
            later = int(entry.get("restartCount") or 0) > restarts
            return later or "terminated" in (entry.get("state") or {})
    return False


def container_names(kube_pod: meta.Obj) -> list[str]:
    spec = kube_pod.get("spec") or {}
    return [str(c.get("name")) for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]]


def outcome(kube_pod: meta.Obj) -> base.Outcome | None:
    """How the pod ended, or None while it has not (Pending, Running, Unknown)."""
    current = phase(kube_pod)
    if current == base.SUCCEEDED:
        return base.Outcome(0)
    if current != base.FAILED:
        return None
    status = kube_pod.get("status") or {}
    ended = [_terminated(s) for s in _in_spec_order(kube_pod)]
    failed = base.first_failure([o for o in ended if o is not None])
    if failed.phase == base.FAILED:
        return failed
    # Failed without a failed container: the kubelet refused the pod (OutOfcpu, NodeAffinity) or
    # evicted it; no container ran to an exit code.
    return base.Outcome(base.START_ERROR_EXIT, str(status.get("reason") or base.FAILED),
                        str(status.get("message") or ""))


def deleted_outcome(kube_pod: meta.Obj | None, killed: bool) -> base.Outcome:
    """The outcome of a pod that disappeared before it ended: killed on request, or deleted by
    someone else. The exit code is the first non-zero one its containers reported, else SIGKILL's."""
    codes = [o.exit_code for o in (_terminated(s) for s in _in_spec_order(kube_pod or {})) if o and o.exit_code]
    exit_code = codes[0] if codes else base.SIGKILL_EXIT
    if killed:
        return base.Outcome(exit_code, base.KILLED)
    return base.Outcome(exit_code, DELETED, "the Kubernetes pod was deleted")


def _statuses(status: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]


def _in_spec_order(kube_pod: meta.Obj) -> list[dict[str, Any]]:
    # The kubelet sorts containerStatuses by name; Basalt reports the first failure in spec order.
    by_name = {str(s.get("name")): s for s in _statuses(kube_pod.get("status") or {})}
    return [by_name[name] for name in container_names(kube_pod) if name in by_name]


def _terminated(container_status: dict[str, Any]) -> base.Outcome | None:
    terminated = (container_status.get("state") or {}).get("terminated")
    if terminated is None:
        return None
    exit_code = int(terminated.get("exitCode") or 0)
    # Kubernetes says "Completed" for exit 0; Basalt's success has no reason.
    reason = str(terminated.get("reason") or (base.ERROR if exit_code else ""))
    if exit_code == 0 and reason == "Completed":
        reason = ""
    return base.Outcome(exit_code, reason, str(terminated.get("message") or ""))

