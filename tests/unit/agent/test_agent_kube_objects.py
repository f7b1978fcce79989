"""The kubernetes runtime's pure translations: Basalt pod -> Kubernetes Pod, Kubernetes status ->
outcome, real Node -> registered Node."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from services.agent.runtimes import base, kube_objects

DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


class KubePod:
    """A Kubernetes Pod as the kubelet reports it: ``KubePod("a", "b").failed().ended("a", 2).obj()``."""

    def __init__(self, *containers: str, init: tuple[str, ...] = ()) -> None:
        self._pod: dict[str, Any] = {
            "metadata": {"name": "p", "labels": {kube_objects.POD_UID_LABEL: "u-1"}},
            "spec": {"initContainers": [{"name": n} for n in init], "containers": [{"name": n} for n in containers]},
            "status": {"phase": "Pending"},
        }

    def phase(self, phase: str, reason: str = "", message: str = "") -> KubePod:
        self._pod["status"].update({"phase": phase, "reason": reason, "message": message})
        return self

    def state(self, container: str, state: dict[str, Any], init: bool = False) -> KubePod:
        field = "initContainerStatuses" if init else "containerStatuses"
        statuses = self._pod["status"].setdefault(field, [])
        statuses.append({"name": container, "state": state})
        statuses.sort(key=lambda s: s["name"])  # the kubelet's order, not the spec's
        return self

    def ended(self, container: str, exit_code: int, reason: str | None = None, init: bool = False) -> KubePod:
        why = reason if reason is not None else ("Completed" if exit_code == 0 else "Error")
        return self.state(container, {"terminated": {"exitCode": exit_code, "reason": why}}, init)

    def running(self, container: str) -> KubePod:
        return self.state(container, {"running": {"startedAt": "2026-01-01T00:00:00Z"}})

    def obj(self) -> dict[str, Any]:
        return self._pod


@pytest.mark.parametrize(("kube_pod", "expected"), [
    (KubePod("a").obj(), None),
    (KubePod("a").phase("Running").running("a").obj(), None),
    (KubePod("a").phase("Unknown").obj(), None),
    (KubePod("a").phase("Succeeded").ended("a", 0).obj(), base.Outcome(0)),
    # containers are judged in spec order (b before a), whatever order the kubelet lists them in
    (KubePod("b", "a").phase("Failed").ended("a", 2).ended("b", 5).obj(), base.Outcome(5, "Error")),
    (KubePod("b", "a").phase("Failed").ended("a", 2).ended("b", 0).obj(), base.Outcome(2, "Error")),
    (KubePod("a").phase("Failed").ended("a", 137, "OOMKilled").obj(), base.Outcome(137, "OOMKilled")),
    (KubePod("a", init=("setup",)).phase("Failed").ended("setup", 4, init=True).obj(), base.Outcome(4, "Error")),
    (KubePod("a").phase("Failed", "OutOfcpu", "Node didn't have enough resource: cpu").obj(),
     base.Outcome(128, "OutOfcpu", "Node didn't have enough resource: cpu")),
    (KubePod("a").phase("Failed").obj(), base.Outcome(128, "Failed")),
])
def test_outcome_of_a_kubernetes_pod(kube_pod: dict[str, Any], expected: base.Outcome | None) -> None:
    assert kube_objects.outcome(kube_pod) == expected


@pytest.mark.parametrize(("kube_pod", "killed", "expected"), [
    (KubePod("a").phase("Running").ended("a", 143).obj(), True, base.Outcome(143, "Killed")),
    (KubePod("a").phase("Running").running("a").obj(), True, base.Outcome(137, "Killed")),
    (None, False, base.Outcome(137, "Deleted", "the Kubernetes pod was deleted")),
])
def test_outcome_of_a_pod_that_disappeared(kube_pod: dict[str, Any] | None, killed: bool,
                                           expected: base.Outcome) -> None:
    assert kube_objects.deleted_outcome(kube_pod, killed) == expected


def test_started_containers_are_listed_in_spec_order_init_first_with_their_restarts() -> None:
    kube_pod = KubePod("z", "m", "a", init=("setup",)).ended("setup", 0, init=True).running("a").running("z") \
        .state("m", {"waiting": {"reason": "ContainerCreating"}}).obj()
    kube_pod["status"]["containerStatuses"][0]["restartCount"] = 2  # "a", sorted first by the kubelet
    assert kube_objects.started_containers(kube_pod) == [("setup", 0), ("z", 0), ("a", 2)]


def basalt_pod(name: str = "job-task-0", uid: str = "7c9e6679-7425-40de-944b-e07fc1f90ae7",
               **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "team-a", "uid": uid, "resourceVersion": "42",
                     "labels": {"volcano.sh/task-index": "1", "volcano.sh/job-name": "job"},
                     "annotations": {"scheduling.k8s.io/group-name": "job-pg"},
                     "ownerReferences": [{"kind": "Job", "name": "job", "uid": "j", "controller": True}]},
        "spec": {"schedulerName": "volcano", "nodeName": "stale", "priority": 1000, "priorityClassName": "high",
                 "serviceAccountName": "trainer",
                 "containers": [{"name": "main", "image": "python:3.11",
                                 "env": [{"name": "VC_TASK_INDEX", "value": "1"}]}],
                 **spec},
        "status": {"phase": "Pending"},
    }


def test_manifest_runs_the_pod_on_its_node_past_the_kube_scheduler() -> None:
    pod = basalt_pod()
    before = copy.deepcopy(pod)
    manifest = kube_objects.pod_manifest(pod, "gpu-7")
    assert pod == before  # the Basalt pod is left alone
    assert set(manifest) == {"apiVersion", "kind", "metadata", "spec"}
    assert manifest["spec"]["nodeName"] == "gpu-7"
    for dropped in ("schedulerName", "priority", "priorityClassName", "serviceAccountName"):
        assert dropped not in manifest["spec"]
    assert (manifest["spec"]["restartPolicy"], manifest["spec"]["hostname"]) == ("Never", "job-task-0")
    assert manifest["metadata"]["labels"] == {"volcano.sh/task-index": "1", "volcano.sh/job-name": "job",
                                              kube_objects.POD_UID_LABEL: pod["metadata"]["uid"],
                                              kube_objects.POD_NAMESPACE_LABEL: "team-a"}
    assert manifest["metadata"]["annotations"] == {"scheduling.k8s.io/group-name": "job-pg",
                                                   kube_objects.POD_NAME_ANNOTATION: "team-a/job-task-0"}
    # the declared index stays, the other spelling is added
    assert manifest["spec"]["containers"][0]["env"] == [{"name": "VC_TASK_INDEX", "value": "1"},
                                                        {"name": "VK_TASK_INDEX", "value": "1"}]


def test_manifest_keeps_what_the_pod_says_about_restarts_and_hostname() -> None:
    manifest = kube_objects.pod_manifest(basalt_pod(restartPolicy="OnFailure", hostname="h", subdomain="job"), "n")
    assert (manifest["spec"]["restartPolicy"], manifest["spec"]["hostname"], manifest["spec"]["subdomain"]) == \
        ("OnFailure", "h", "job")


@pytest.mark.parametrize("name", ["job-task-0", "x" * 253, "job.task-0", "a" * 240 + "-" + "b" * 12])
def test_kube_names_are_unique_per_uid_and_valid(name: str) -> None:
    first = kube_objects.kube_name(basalt_pod(name, uid="u-1"))
    again = kube_objects.kube_name(basalt_pod(name, uid="u-2"))
    assert first != again and first.startswith("team-a.")
    assert len(first) <= 253 and DNS_SUBDOMAIN.match(first)


def test_node_object_presents_the_real_node() -> None:
    real = {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "gpu-7", "uid": "n", "resourceVersion": "9", "managedFields": [{}],
                         "labels": {"kubernetes.io/hostname": "gpu-7", "pool": "gpu"}},
            "spec": {"taints": [{"key": "gpu", "effect": "NoSchedule"}], "unschedulable": True, "podCIDR": "10/24"},
            "status": {"capacity": {"cpu": "8"}, "allocatable": {"cpu": "7500m"}, "images": [{}],
                       "conditions": [{"type": "Ready", "status": "False"}]}}
    node = kube_objects.node_object(real, "agent-1")
    labels = {"kubernetes.io/hostname": "gpu-7", "pool": "gpu", "basalt.io/agent": "agent-1"}
    assert node["metadata"] == {"name": "gpu-7", "annotations": {}, "labels": labels}
    assert node["spec"] == real["spec"]
    assert node["status"] == {"capacity": {"cpu": "8"}, "allocatable": {"cpu": "7500m"},
                              "conditions": [{"type": "Ready", "status": "False"}]}
