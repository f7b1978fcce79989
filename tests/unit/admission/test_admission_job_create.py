"""Job CREATE: Volcano's defaults, then every rule, each reported at its field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.unit.admission import admission_support as support
from services.admission import review
from services.admission.validators import causes

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
NOT_A_DAG = "job has dependencies between tasks, but doesn't form a directed acyclic graph(DAG)"


def admit(obj: dict[str, Any], ctx: support.Ctx | None = None) -> review.ReviewResult:
    return review.review("CREATE", obj, None, ctx or support.default_ctx())


def test_the_example_mpi_job_is_admitted(mpi_job: dict[str, Any]) -> None:
    assert mpi_job["apiVersion"] == "batch.volcano.sh/v1alpha1"
    assert [(t["name"], t["replicas"]) for t in mpi_job["spec"]["tasks"]] == [
        ("mpimaster", 1), ("mpiworker", 3)]
    result = admit(mpi_job)
    assert result.allowed and result.causes == ()
    assert result.obj is not None and result.obj["spec"]["tasks"][1]["minAvailable"] == 3


def test_defaults_are_applied_as_volcano_does() -> None:
    bare = support.job().drop("minAvailable", "schedulerName", "queue", "maxRetry").task(
        0, name="").drop_task_field(1, "name").obj()
    bare["spec"]["plugins"] = {"mpi": ["--master=default0", "--worker=default1"]}
    bare["spec"]["tasks"][1]["template"]["spec"]["hostNetwork"] = True

    result = admit(bare)

    assert result.allowed, result.causes
    spec = result.obj["spec"]  # type: ignore[index]
    assert spec["queue"] == "default"
    assert spec["schedulerName"] == "volcano"
    assert spec["maxRetry"] == 3
    assert [t["name"] for t in spec["tasks"]] == ["default0", "default1"]
    assert [t["minAvailable"] for t in spec["tasks"]] == [1, 3]
    assert [t["maxRetry"] for t in spec["tasks"]] == [3, 3]
    assert spec["minAvailable"] == 4
    assert spec["plugins"] == {"mpi": ["--master=default0", "--worker=default1"], "svc": [],
                               "ssh": []}
    assert spec["tasks"][1]["template"]["spec"]["dnsPolicy"] == "ClusterFirstWithHostNet"
    assert "dnsPolicy" not in spec["tasks"][0]["template"]["spec"]


def test_defaults_keep_what_the_user_set_and_leave_the_input_alone() -> None:
    given = support.job().spec(queue="default", maxRetry=7, schedulerName="other").task(1, minAvailable=2).obj()
    original = copy.deepcopy(given)
    spec = admit(given).obj["spec"]  # type: ignore[index]
    assert (spec["maxRetry"], spec["schedulerName"], spec["minAvailable"]) == (7, "other", 4)
    assert spec["tasks"][1]["minAvailable"] == 2
    assert given == original


def test_task_min_available_follows_an_explicit_partition_policy() -> None:
    obj = support.job().drop("minAvailable").task(
        1, replicas=4, partitionPolicy={"totalPartitions": 2, "partitionSize": 2,
                                        "minPartitions": 1}).obj()
    spec = admit(obj).obj["spec"]  # type: ignore[index]
    assert spec["tasks"][1]["minAvailable"] == 2 and spec["minAvailable"] == 3


def test_job_min_available_defaults_to_the_sum_of_task_min_available() -> None:
    obj = support.job().drop("minAvailable").task(1, minAvailable=1).obj()
    assert admit(obj).obj["spec"]["minAvailable"] == 2  # type: ignore[index]


def _cycle() -> dict[str, Any]:
    return support.job().task(0, dependsOn={"name": ["mpiworker"]}).task(
        1, dependsOn={"name": ["mpimaster"]}).obj()


CASES = [
    pytest.param(support.job().spec(tasks=[]).obj(), None,
                 ("spec.tasks", "No task specified in job spec"), id="no-tasks"),
    pytest.param(support.job().task(1, name="mpimaster").obj(), None,
                 ("spec.tasks[1].name", "duplicated task name mpimaster"), id="duplicate-task"),
    pytest.param(support.job().task(0, name="Master").spec(plugins={}).obj(), None,
                 ("spec.tasks[0].name", LABEL_MSG), id="task-name-not-dns-label"),
    pytest.param(support.job().task(1, minAvailable=4).obj(), None,
                 ("spec.tasks[1].minAvailable",
                  "'minAvailable' is greater than 'replicas' in task: mpiworker, job: lm-mpi-job"),
                 id="task-min-available-over-replicas"),
    pytest.param(support.job().task(1, replicas=-1, minAvailable=0).spec(minAvailable=1).obj(), None,
                 ("spec.tasks[1].replicas", "'replicas' < 0 in task: mpiworker, job: lm-mpi-job"),
                 id="negative-replicas"),
    pytest.param(support.job().task(1, minAvailable=-1).obj(), None,
                 ("spec.tasks[1].minAvailable",
                  "'minAvailable' < 0 in task: mpiworker, job: lm-mpi-job"),
                 id="negative-task-min-available"),
    pytest.param(support.job().spec(minAvailable=-1).obj(), None,
                 ("spec.minAvailable", "job 'minAvailable' must be >= 0"), id="negative-min-available"),
    pytest.param(support.job().spec(maxRetry=-1).obj(), None,
                 ("spec.maxRetry", "'maxRetry' cannot be less than zero"), id="negative-max-retry"),
    pytest.param(support.job().spec(ttlSecondsAfterFinished=-5).obj(), None,
                 ("spec.ttlSecondsAfterFinished", "'ttlSecondsAfterFinished' cannot be less than zero"),
                 id="negative-ttl"),
    pytest.param(support.job().spec(minSuccess=0).obj(), None,
                 ("spec.minSuccess", "spec.minSuccess in body should be greater than or equal to 1"),
                 id="min-success-below-one"),
    pytest.param(support.job().spec(minAvailable=5).obj(), None,
                 ("spec.minAvailable",
                  "job 'minAvailable' should not be greater than total replicas in tasks"),
                 id="min-available-over-total-replicas"),
    pytest.param(support.job().spec(queue="missing").obj(), None,
                 ("spec.queue", 'unable to find job queue: queue.scheduling.volcano.sh "missing" not found'),
                 id="unknown-queue"),
    pytest.param(support.job().spec(queue="shut").obj(),
                 support.default_ctx().with_queues(support.queue("shut").state("Closed").obj()),
                 ("spec.queue",
                  "can only submit job to queue with state `Open`, queue `shut` status is `Closed`"),
                 id="closed-queue"),
    pytest.param(support.job().spec(queue="root").obj(), None,
                 ("spec.queue", "can not submit job to root queue"), id="root-queue"),
    pytest.param(support.job().spec(queue="eng").obj(),
                 support.default_ctx().with_queues(support.queue("eng").obj(), support.queue("ml").parent("eng").obj(),
                                           support.queue("web").parent("eng").obj()),
                 ("spec.queue", "can only submit job to leaf queue, queue `eng` has 2 child queues"),
                 id="non-leaf-queue"),
    pytest.param(support.job().spec(policies=[{"event": "PodFailed", "action": "RestartJob"},
                                      {"event": "PodFailed", "action": "AbortJob"}]).obj(), None,
                 ("spec.policies[1].event", "duplicate event PodFailed  across different policy"),
                 id="duplicate-event"),
    pytest.param(support.job().spec(policies=[{"event": "PodFailed", "exitCode": 3,
                                       "action": "RestartJob"}]).obj(), None,
                 ("spec.policies[0]", "must not specify event and exitCode simultaneously"),
                 id="event-and-exit-code"),
    pytest.param(support.job().spec(policies=[{"action": "RestartJob"}]).obj(), None,
                 ("spec.policies[0]", "either event and exitCode should be specified"),
                 id="neither-event-nor-exit-code"),
    pytest.param(support.job().spec(policies=[{"exitCode": 0, "action": "RestartJob"}]).obj(), None,
                 ("spec.policies[0].exitCode", "0 is not a valid error code"), id="exit-code-zero"),
    pytest.param(support.job().spec(policies=[{"exitCode": 2, "action": "RestartJob"},
                                      {"exitCode": 2, "action": "AbortJob"}]).obj(), None,
                 ("spec.policies[1].exitCode", "duplicate exitCode 2"), id="duplicate-exit-code"),
    pytest.param(support.job().task(0, policies=[{"event": "PodBurnt", "action": "RestartJob"}]).obj(), None,
                 ("spec.tasks[0].policies[0].event", "invalid policy event"), id="unknown-event"),
    pytest.param(support.job().spec(policies=[{"event": "PodFailed", "action": "Explode"}]).obj(), None,
                 ("spec.policies[0].action", "invalid policy action"), id="unknown-action"),
    pytest.param(support.job().spec(policies=[{"event": "OutOfSync", "action": "RestartJob"}]).obj(), None,
                 ("spec.policies[0].event", "invalid policy event"), id="internal-event"),
    pytest.param(support.job().spec(policies=[{"events": ["PodFailed", "PodBurnt"],
                                               "action": "RestartJob"}]).obj(), None,
                 ("spec.policies[0].events[1]", "invalid policy event"), id="unknown-event-in-list"),
    pytest.param(support.job().task(1, maxRetry=-1).obj(), None,
                 ("spec.tasks[1].maxRetry",
                  "spec.tasks[1].maxRetry in body should be greater than or equal to 0"),
                 id="negative-task-max-retry"),
    pytest.param(support.job().spec(policies=[{"event": "*", "action": "RestartJob"},
                                      {"event": "PodFailed", "action": "AbortJob"}]).obj(), None,
                 ("spec.policies", "if there's * here, no other policy should be here"),
                 id="any-event-with-others"),
    pytest.param(support.job().task(1, dependsOn={"name": ["ghost"]}).obj(), None,
                 ("spec.tasks[1].dependsOn.name[0]", NOT_A_DAG), id="depends-on-unknown-task"),
    pytest.param(_cycle(), None, ("spec.tasks[0].dependsOn", NOT_A_DAG), id="dependency-cycle"),
    pytest.param(support.job().spec(plugins={"ssh": [], "horovod": []}).obj(), None,
                 ("spec.plugins[horovod]", "unable to find job plugin: horovod"), id="unknown-plugin"),
    pytest.param(support.job().spec(plugins={"mpi": ["--master=head"]}).obj(), None,
                 ("spec.plugins[mpi]", "The specified mpi master task was not found"),
                 id="mpi-master-missing"),
    pytest.param(support.job().spec(priorityClassName="urgent").obj(), None,
                 ("spec.priorityClassName", "no PriorityClass with name urgent was found"),
                 id="unknown-priority-class"),
    pytest.param(support.job().spec(networkTopology={"highestTierAllowed": 1, "highestTierName": "rack"}).obj(),
                 None, ("spec.networkTopology", "must not specify 'highestTierAllowed' and "
                        "'highestTierName' in networkTopology simultaneously"), id="network-topology"),
    pytest.param(support.job().task(1, partitionPolicy={"totalPartitions": 2, "partitionSize": 2}).obj(),
                 None, ("spec.tasks[1].replicas", "'Replicas' are not equal to "
                        "TotalPartitions*PartitionSize in task: mpiworker, job: lm-mpi-job"),
                 id="partition-policy-tiling"),
    pytest.param(support.job().task(1, partitionPolicy={"totalPartitions": 0, "partitionSize": 3}).obj(),
                 None, ("spec.tasks[1].partitionPolicy.totalPartitions", "'TotalPartitions' must be "
                        "greater than 0 in task: mpiworker, job: lm-mpi-job"), id="partition-total"),
    pytest.param(support.job().name("x" * 60).obj(), None,
                 ("spec.tasks[0].name", f"create pod with name {'x' * 60}-mpimaster-0 validate "
                  "failed [name part must be no more than 63 characters]"),
                 id="pod-name-too-long"),
    pytest.param(support.job().name("Job_").obj(), None,
                 ("metadata.name", "create job with name Job_ validate failed "
                  "[name part must consist of alphanumeric characters, '-', '_' or '.', and must "
                  "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
                  "'123-abc', regex used for validation is "
                  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]"), id="job-name-not-qualified"),
    pytest.param(support.job().name("x" * 64).obj(), None,
                 ("metadata.name", f"create job with name {'x' * 64} validate failed "
                  "[name part must be no more than 63 characters]"), id="job-name-too-long"),
    pytest.param(support.job().spec(volumes=[{"mountPath": "/data", "volumeClaimName": "d"},
                                     {"mountPath": "/data", "volumeClaimName": "e"}]).obj(), None,
                 ("spec.volumes[1].mountPath", "duplicated mountPath: /data"), id="duplicate-mount"),
    pytest.param(support.job().spec(volumes=[{"mountPath": "/data"}]).obj(), None,
                 ("spec.volumes[0]", "either VolumeClaim or VolumeClaimName must be specified"),
                 id="volume-without-claim"),
    pytest.param(support.job().spec(volumes=[{"mountPath": "/d", "volumeClaimName": "Bad_Claim"}]).obj(),
                 None, ("spec.volumes[0].volumeClaimName", "invalid VolumeClaimName Bad_Claim : [a "
                        "lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                        "characters, '-' or '.', and must start and end with an alphanumeric "
                        "character (e.g. 'example.com', regex used for validation is "
                        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')]"),
                 id="volume-claim-name"),
    pytest.param(support.job().task(0, template={"spec": {"containers": []}}).obj(), None,
                 ("spec.tasks[0].template.spec.containers", "Required value"), id="no-containers"),
    pytest.param(support.job().task(0, template={"spec": {"containers": [
        {"name": "a", "resources": {"requests": {"cpu": "lots"}}}]}}).obj(), None,
                 ("spec.tasks[0].template.spec.containers[0].resources.requests.cpu",
                  "quantities must match the regular expression "
                  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got 'lots'"),
                 id="bad-quantity"),
    pytest.param(support.job().task(0, template={"spec": {"containers": [
        {"name": "a", "resources": {"requests": {"cpu": "3"}, "limits": {"cpu": "2"}}}]}}).obj(),
                 None, ("spec.tasks[0].template.spec.containers[0].resources.requests.cpu",
                        "must be less than or equal to cpu limit of 2"), id="request-over-limit"),
    pytest.param(support.job().task(0, topologyPolicy="single-numa-node").obj(), None,
                 ("spec.tasks[0].template.spec.containers[0].resources.requests.cpu",
                  "the cpu request isn't an integer in spec.task[0] container[0]."),
                 id="numa-needs-whole-cpus"),
    pytest.param(support.job().task(1, replicas="3").obj(), None,
                 ("spec.tasks[1].replicas",
                  'spec.tasks[1].replicas in body must be of type integer: "string"'),
                 id="wrong-type"),
]


@pytest.mark.parametrize(("obj", "ctx", "expected"), CASES)
def test_invalid_job_is_refused_at_the_field(obj: dict[str, Any], ctx: support.Ctx | None,
                                             expected: tuple[str, str]) -> None:
    result = admit(obj, ctx)
    assert not result.allowed
    assert result.obj is None
    assert expected in support.causes_of(result)


VALID = [
    pytest.param(support.job().spec(queue="ml").obj(),
                 support.default_ctx().with_queues(support.queue("eng").obj(), support.queue("ml").parent("eng").obj()),
                 id="leaf-queue"),
    pytest.param(support.job().spec(priorityClassName="urgent").obj(),
                 support.default_ctx().with_priority_class("urgent"), id="known-priority-class"),
    pytest.param(support.job().spec(priorityClassName="system-cluster-critical").obj(), None,
                 id="system-priority-class"),
    pytest.param(support.job().task(1, dependsOn={"name": ["mpimaster"]}).obj(), None, id="dag"),
    pytest.param(support.job().spec(policies=[{"exitCode": 3, "action": "RestartTask"},
                                      {"events": ["PodFailed", "PodEvicted"], "action": "RestartJob"}
                                      ]).obj(), None, id="policies"),
    pytest.param(support.job().spec(plugins={"mpi": ["--master", "mpimaster"], "env": []}).obj(), None,
                 id="mpi-master-named"),
    pytest.param(support.job().spec(minSuccess=2, ttlSecondsAfterFinished=0).obj(), None, id="bounds"),
    pytest.param(support.job().task(1, replicas=4, partitionPolicy={
        "totalPartitions": 2, "partitionSize": 2, "minPartitions": 1}).drop_task_field(
        1, "minAvailable").obj(), None, id="partition-policy"),
    pytest.param(support.job().task(0, topologyPolicy="none").obj(), None, id="no-numa-policy"),
    pytest.param(support.job().spec(volumes=[{"mountPath": "/data", "volumeClaimName": "data"},
                                     {"mountPath": "/scratch", "volumeClaim": {}}]).obj(), None,
                 id="volumes"),
]


@pytest.mark.parametrize(("obj", "ctx"), VALID)
def test_valid_job_is_admitted(obj: dict[str, Any], ctx: support.Ctx | None) -> None:
    result = admit(obj, ctx)
    assert result.allowed, result.causes
    assert result.causes == ()


def test_every_error_of_one_job_comes_back_together() -> None:
    obj = support.job().spec(maxRetry=-1, queue="missing", plugins={"horovod": []}).task(
        1, name="mpimaster", minAvailable=9).obj()

    result = admit(obj)

    assert not result.allowed and result.obj is None
    assert support.causes_of(result) == [
        ("spec.maxRetry", "'maxRetry' cannot be less than zero"),
        ("spec.tasks[1].name", "duplicated task name mpimaster"),
        ("spec.tasks[1].minAvailable",
         "'minAvailable' is greater than 'replicas' in task: mpimaster, job: lm-mpi-job"),
        ("spec.plugins[horovod]", "unable to find job plugin: horovod"),
        ("spec.queue", 'unable to find job queue: queue.scheduling.volcano.sh "missing" not found'),
    ]
    assert {c.reason for c in result.causes} == {
        causes.INVALID, causes.DUPLICATE, causes.NOT_FOUND}


def test_shape_errors_are_reported_before_anything_is_defaulted() -> None:
    obj = support.job().spec(tasks="none", maxRetry="3").obj()
    result = admit(obj)
    assert result.obj is None
    assert support.causes_of(result) == [
        ("spec.tasks", 'spec.tasks in body must be of type array: "string"'),
        ("spec.maxRetry", 'spec.maxRetry in body must be of type integer: "string"'),
    ]
