"""build_pod: names, labels, annotations, owner, spec defaults and plugins, as createJobPod."""

from __future__ import annotations

from typing import Any

import pytest

from services.controller.materialize import pod
from services.controller.materialize.plugins import registry, svc
from tests.unit.controller.controller_support import JobBuilder


def _job(**spec: Any) -> JobBuilder:
    return JobBuilder("train", "team-a", "uid-7").task("worker", 3, min_available=2, cpu="1").spec(queue="q1", **spec)


def test_pod_metadata_matches_volcano_exactly() -> None:
    job = _job().status("Running", version=4, retryCount=2).obj()

    built = pod.build_pod(job, "worker", 1)

    assert built["apiVersion"] == "v1" and built["kind"] == "Pod"
    assert built["metadata"]["name"] == "train-worker-1"
    assert built["metadata"]["namespace"] == "team-a"
    assert built["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "batch.volcano.sh/v1alpha1",
            "kind": "Job",
            "name": "train",
            "uid": "uid-7",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert built["metadata"]["labels"] == {
        "volcano.sh/task-index": "1",
        "volcano.sh/job-name": "train",
        "volcano.sh/task-spec": "worker",
        "volcano.sh/job-namespace": "team-a",
        "volcano.sh/queue-name": "q1",
    }
    assert built["metadata"]["annotations"] == {
        "volcano.sh/task-index": "1",
        "volcano.sh/task-spec": "worker",
        "scheduling.k8s.io/group-name": "train-uid-7",
        "volcano.sh/job-name": "train",
        "volcano.sh/queue-name": "q1",
        "volcano.sh/job-version": "4",
        "volcano.sh/template-uid": "train-worker",
        "volcano.sh/job-retry-count": "2",
    }
    assert built["status"] == {"phase": "Pending"}


def test_spec_comes_from_the_template_with_job_scheduling_defaults() -> None:
    job = _job(priorityClassName="high").obj()

    built = pod.build_pod(job, job["spec"]["tasks"][0], 0)

    assert built["spec"]["schedulerName"] == "volcano"
    assert built["spec"]["priorityClassName"] == "high"
    assert built["spec"]["containers"][0]["resources"] == {"requests": {"cpu": "1"}}
    assert built["spec"]["restartPolicy"] == "Never"


def test_template_scheduler_and_priority_win_over_the_job() -> None:
    job = _job(priorityClassName="high").obj()
    job["spec"]["tasks"][0]["template"]["spec"].update(schedulerName="other", priorityClassName="low")

    built = pod.build_pod(job, "worker", 0)

    assert (built["spec"]["schedulerName"], built["spec"]["priorityClassName"]) == ("other", "low")


def test_template_labels_and_annotations_are_kept_and_the_template_is_not_mutated() -> None:
    job = _job().obj()
    job["spec"]["tasks"][0]["template"]["metadata"] = {"labels": {"app": "x"}, "annotations": {"note": "y"}}

    built = pod.build_pod(job, "worker", 0)

    assert built["metadata"]["labels"]["app"] == "x"
    assert built["metadata"]["annotations"]["note"] == "y"
    assert job["spec"]["tasks"][0]["template"]["metadata"] == {"labels": {"app": "x"}, "annotations": {"note": "y"}}


def test_job_annotations_and_labels_volcano_copies() -> None:
    job = (
        _job()
        .annotate(**{"volcano.sh/preemptable": "true", "volcano.sh/revocable-zone": "*", "other": "no"})
        .annotate(**{"volcano.sh/jdb-min-available": "1", "volcano.sh/jdb-max-unavailable": "2"})
        .label(**{"volcano.sh/preemptable": "false", "volcano.sh/cooldown-time": "60s", "team": "no"})
        .obj()
    )

    built = pod.build_pod(job, "worker", 0)

    annotations, labels = built["metadata"]["annotations"], built["metadata"]["labels"]
    assert annotations["volcano.sh/preemptable"] == "true"
    assert annotations["volcano.sh/revocable-zone"] == "*"
    assert annotations["volcano.sh/jdb-min-available"] == "1"
    assert "volcano.sh/jdb-max-unavailable" not in annotations  # min-available wins
    assert "other" not in annotations
    assert labels["volcano.sh/preemptable"] == "false"
    assert labels["volcano.sh/cooldown-time"] == "60s"
    assert "team" not in labels


def test_numa_policy_partition_label_and_forwarding() -> None:
    job = JobBuilder().task("w", 8, topologyPolicy="best-effort", partitionPolicy={"partitionSize": 4}).obj()

    built = pod.build_pod(job, "w", 5, forwarding=True)

    assert built["metadata"]["annotations"]["volcano.sh/numa-topology-policy"] == "best-effort"
    assert built["metadata"]["labels"]["volcano.sh/partition-id"] == "1"
    assert built["metadata"]["annotations"]["volcano.sh/job-forwarding"] == "true"
    assert built["metadata"]["labels"]["volcano.sh/job-forwarding"] == "true"


def test_unknown_task_is_an_error() -> None:
    with pytest.raises(KeyError):
        pod.build_pod(_job().obj(), "nope", 0)


def test_env_plugin_adds_task_index_to_containers_and_init_containers() -> None:
    job = _job(plugins={"env": []}).obj()
    job["spec"]["tasks"][0]["template"]["spec"]["initContainers"] = [{"name": "init", "env": [{"name": "A", "value": "1"}]}]

    built = pod.build_pod(job, "worker", 2)

    index_env = [{"name": "VK_TASK_INDEX", "value": "2"}, {"name": "VC_TASK_INDEX", "value": "2"}]
    assert built["spec"]["containers"][0]["env"] == index_env
    assert built["spec"]["initContainers"][0]["env"] == [{"name": "A", "value": "1"}, *index_env]


def test_no_plugins_no_env() -> None:
    assert "env" not in pod.build_pod(_job().obj(), "worker", 0)["spec"]["containers"][0]


def test_svc_plugin_sets_dns_names_and_host_lists() -> None:
    job = (
        JobBuilder("mpi")
        .task("master", 1)
        .task("mpi-worker", 2)
        .spec(plugins={"svc": []})
        .obj()
    )

    built = pod.build_pod(job, "mpi-worker", 1)

    assert built["spec"]["hostname"] == "mpi-mpi-worker-1"
    assert built["spec"]["subdomain"] == "mpi"
    assert built["spec"]["containers"][0]["env"] == [
        {"name": "VC_MASTER_HOSTS", "value": "mpi-master-0.mpi"},
        {"name": "VC_MASTER_NUM", "value": "1"},
        {"name": "VC_MPI_WORKER_HOSTS", "value": "mpi-mpi-worker-0.mpi,mpi-mpi-worker-1.mpi"},
        {"name": "VC_MPI_WORKER_NUM", "value": "2"},
    ]


def test_svc_host_file_and_fixed_template_hostname() -> None:
    job = JobBuilder("j").task("ps", 2).task("w", 3).spec(plugins={"svc": []}).obj()
    job["spec"]["tasks"][1]["template"]["spec"].update(hostname="fixed", subdomain="sub")

    assert svc.generate_hosts(job) == {
        "ps.host": "j-ps-0.j\nj-ps-1.j",
        "VC_PS_HOSTS": "j-ps-0.j,j-ps-1.j",
        "VC_PS_NUM": "2",
        "w.host": "fixed.sub",
        "VC_W_HOSTS": "fixed.sub",
        "VC_W_NUM": "1",
    }
    built = pod.build_pod(job, "w", 0)
    assert (built["spec"]["hostname"], built["spec"]["subdomain"]) == ("fixed", "sub")


@pytest.mark.parametrize("args", [["--inject-hosts-env=false"], ["-inject-hosts-env=false"]])
def test_svc_can_skip_host_env(args: list[str]) -> None:
    job = JobBuilder("j").task("w", 2).spec(plugins={"svc": args}).obj()

    built = pod.build_pod(job, "w", 0)

    assert "env" not in built["spec"]["containers"][0]
    assert built["spec"]["hostname"] == "j-w-0"


def test_env_and_svc_apply_in_spec_order() -> None:
    job = JobBuilder("j").task("w", 1).spec(plugins={"svc": [], "env": []}).obj()

    names = [e["name"] for e in pod.build_pod(job, "w", 0)["spec"]["containers"][0]["env"]]

    assert names == ["VC_W_HOSTS", "VC_W_NUM", "VK_TASK_INDEX", "VC_TASK_INDEX"]


def test_unknown_plugins_are_reported_and_skipped() -> None:
    job = JobBuilder("j").task("w", 1).spec(plugins={"ray": [], "env": [], "hcclrank": ["--x=1"]}).obj()

    built = pod.build_pod(job, "w", 0)

    assert registry.unknown_plugins(job) == ["hcclrank", "ray"]
    assert [e["name"] for e in built["spec"]["containers"][0]["env"]] == ["VK_TASK_INDEX", "VC_TASK_INDEX"]


def test_a_registered_plugin_edits_new_pods() -> None:
    def stamp(p: dict[str, Any], job: dict[str, Any], args: list[str]) -> None:
        p["metadata"]["annotations"]["test/args"] = ",".join(args)

    registry.register("test-stamp")(stamp)
    try:
        job = JobBuilder("j").task("w", 1).spec(plugins={"test-stamp": ["a", "b"]}).obj()
        assert pod.build_pod(job, "w", 0)["metadata"]["annotations"]["test/args"] == "a,b"
        assert "test-stamp" in registry.known()
    finally:
        registry._PLUGINS.pop("test-stamp")
