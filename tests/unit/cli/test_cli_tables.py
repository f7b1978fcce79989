"""vcctl's text layouts, reproduced exactly (Go fmt widths from pkg/cli/job/list.go, view.go)."""

from __future__ import annotations

from typing import Any

from basalt.cli import tables


class JobBuilder:
    def __init__(self, name: str, namespace: str = "default") -> None:
        self.obj: dict[str, Any] = {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
                                    "metadata": {"name": name, "namespace": namespace,
                                                 "creationTimestamp": "2026-11-25T12:00:00Z"},
                                    "spec": {"tasks": []}, "status": {}}

    def task(self, name: str, replicas: int) -> JobBuilder:
        self.obj["spec"]["tasks"].append({"name": name, "replicas": replicas})
        return self

    def status(self, phase: str, **counts: int) -> JobBuilder:
        self.obj["status"] = {"state": {"phase": phase}, **counts}
        return self

    def label(self, key: str, value: str) -> JobBuilder:
        self.obj["metadata"].setdefault("labels", {})[key] = value
        return self

    def Obj(self) -> dict[str, Any]:  # noqa: N802 - kueue's builder spelling
        return self.obj


HEADER = ("Name    Creation       Phase       JobType     Replicas    Min   Pending   Running   "
          "Succeeded   Failed    Unknown     RetryCount\n")


def test_job_list_matches_vcctl_columns() -> None:
    jobs = [JobBuilder("tf").task("ps", 1).task("worker", 2)
            .status("Running", minAvailable=3, running=3, retryCount=1).Obj(),
            JobBuilder("mpi-x").label("volcano.sh/job-type", "MPI").status("Pending", pending=2).Obj()]
    assert tables.job_list(jobs) == (
        HEADER
        + "tf      2026-11-25     Running     Batch       3           3     0         3         "
          "0           0         0           1         \n"
        + "mpi-x   2026-11-25     Pending     MPI         0           0     2         0         "
          "0           0         0           0         \n")


def test_job_list_all_namespaces_leads_with_namespace() -> None:
    table = tables.job_list([JobBuilder("a", "research-team").Obj()], all_namespaces=True)
    header, row = table.splitlines()
    assert header.startswith("Namespace       Name   Creation       Phase")
    assert row.startswith("research-team   a      2026-11-25                 Batch       0")


def test_job_without_status_or_timestamp_shows_go_zero_values() -> None:
    job = JobBuilder("bare").Obj()
    job["metadata"].pop("creationTimestamp")
    job.pop("status")
    assert tables.job_row(job) == ["bare", "0001-01-01", "", "Batch", "0", "0", "0", "0", "0", "0", "0", "0"]


def test_job_view_follows_vcctl_layout_and_lists_pods() -> None:
    job = JobBuilder("tf").task("worker", 2).status("Running", running=2, minAvailable=2).Obj()
    job["metadata"].update(uid="u1", resourceVersion="7", labels={"b": "2", "a": "1"})
    job["spec"]["tasks"][0]["template"] = {"spec": {"restartPolicy": "Never", "containers": [
        {"name": "c", "image": "busybox", "command": ["sleep", "1"],
         "resources": {"requests": {"cpu": "500m"}}}]}}
    pods = [{"metadata": {"name": "tf-worker-0"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}}]
    lines = tables.job_view(job, pods).splitlines()
    assert lines[:8] == ["Name:       \ttf", "Namespace:  \tdefault", 'Labels:     \t{"a":"1","b":"2"}',
                         "Annotations:\t<none>", "API Version:\tbatch.volcano.sh/v1alpha1", "Kind:       \tJob",
                         "Metadata:", "  Creation Timestamp:\t2026-11-25 12:00:00 +0000 UTC"]
    for expected in ("  Plugins:", "    Env:\t[]", "    Name:\tworker", "    Replicas:\t2",
                     "            sleep", "          Image:\tbusybox", "              Cpu:   \t500m",
                     "              Memory:\t0", "        Restart Policy:   \tNever",
                     "  Running:      \t2", "  Min Available:\t2", "    Phase:\tRunning",
                     "Pods:", "  Name          Phase       Node", "  tf-worker-0   Running     n1"):
        assert expected in lines
    assert "  Pending:      \t0" not in lines  # vcctl prints only positive counts


def test_job_view_without_pods_says_none() -> None:
    assert tables.job_view(JobBuilder("a").Obj()).endswith("Pods: \t<none>\n")
