"""TTL expiry, Commands and bare pods' PodGroups."""

from __future__ import annotations

import datetime as dt

import pytest

from basalt import errors
from basalt.api import kinds, labels
from services.controller import objects_api, watching
from services.controller.materialize import bare_podgroup, command
from services.controller.state import bus, ttl
from tests.unit.controller.controller_support import CREATED, JobBuilder

FINISHED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(("phase", "seconds", "now_offset", "expired"), [
    ("Completed", 60, 59, False),
    ("Completed", 60, 60, True),
    ("Failed", 0, 0, True),
    ("Terminated", 10, 11, True),
    ("Aborted", 0, 100, False),
    ("Running", 0, 100, False),
])
def test_ttl_counts_from_the_finishing_transition(phase: str, seconds: int, now_offset: int, expired: bool) -> None:
    job = JobBuilder("j").task("w", 1).spec(ttlSecondsAfterFinished=seconds).status(phase).obj()
    assert job["status"]["state"]["lastTransitionTime"] == CREATED
    assert ttl.expired(job, FINISHED_AT + dt.timedelta(seconds=now_offset)) is expired


def test_no_ttl_no_expiry() -> None:
    job = JobBuilder("j").task("w", 1).status("Completed").obj()
    assert ttl.expires_at(job) is None


def test_job_commands_look_like_vcctls() -> None:
    job = JobBuilder("j").task("w", 1).obj()
    cmd = command.for_object(job, kinds.JOB, bus.Action.ABORT_JOB, "ns")

    assert cmd["metadata"]["generateName"] == "j-abortjob-"
    assert cmd["target"]["kind"] == "Job" and cmd["target"]["uid"] == "u1"
    assert cmd["metadata"]["ownerReferences"] == [cmd["target"]]
    command.validate(cmd)


@pytest.mark.parametrize(("action", "kind", "fields"), [
    ("OpenQueue", "Job", ["action"]),
    ("AbortJob", "Queue", ["action"]),
    ("AbortJob", "Pod", ["target.kind"]),
])
def test_commands_must_pair_a_known_action_with_its_kind(action: str, kind: str, fields: list[str]) -> None:
    with pytest.raises(errors.Invalid) as caught:
        command.validate({"metadata": {"name": "c"}, "action": action, "target": {"kind": kind, "name": "x"}})
    assert [c.field for c in caught.value.causes] == fields


def bare_pod(**annotations: str) -> dict[str, object]:
    return {"metadata": {"name": "p", "namespace": "ns", "uid": "pu", "annotations": dict(annotations)},
            "spec": {"schedulerName": "volcano", "priorityClassName": "high",
                     "containers": [{"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]},
            "status": {"phase": "Pending"}}


def test_bare_pods_for_volcano_get_a_one_member_group() -> None:
    pod = bare_pod(**{bare_podgroup.QUEUE_ANNOTATION: "team", labels.PREEMPTABLE: "true"})

    group = bare_podgroup.build(pod)

    assert bare_podgroup.needs_podgroup(pod)
    assert group["metadata"]["name"] == "podgroup-pu"
    assert group["metadata"]["ownerReferences"][0]["kind"] == "Pod"
    assert group["metadata"]["annotations"] == {labels.PREEMPTABLE: "true"}
    assert group["spec"] == {"minMember": 1, "minResources": {"cpu": "1", "memory": "1Gi"}, "queue": "team",
                             "priorityClassName": "high"}
    assert bare_podgroup.annotated(pod, "podgroup-pu")["metadata"]["annotations"][labels.GROUP_NAME] == "podgroup-pu"


def test_pods_with_a_group_or_another_scheduler_are_left_alone() -> None:
    grouped = bare_pod(**{labels.GROUP_NAME: "g"})
    other = bare_pod()
    other["spec"] = {"schedulerName": "default-scheduler"}
    assert not bare_podgroup.needs_podgroup(grouped) and not bare_podgroup.needs_podgroup(other)


def test_a_controlled_pod_shares_its_owners_group_name() -> None:
    pod = bare_pod()
    pod["metadata"]["ownerReferences"] = [{"kind": "ReplicaSet", "uid": "rs1", "controller": True}]  # type: ignore[index]
    assert bare_podgroup.podgroup_name(pod) == "podgroup-rs1"


@pytest.mark.parametrize(("text", "expected"), [("", None), ("0", None), ("42", 42)])
def test_watch_starts_with_a_list_or_resumes(text: str, expected: int | None) -> None:
    assert watching.start_version(text) == expected


@pytest.mark.parametrize("text", ["abc", "-1"])
def test_watch_refuses_a_bad_resource_version(text: str) -> None:
    with pytest.raises(errors.BadRequest):
        watching.start_version(text)


def test_an_update_keeps_the_servers_fields_and_controller_annotations() -> None:
    old = {"metadata": {"name": "j", "namespace": "ns", "uid": "u", "creationTimestamp": "t", "resourceVersion": "7",
                        "annotations": {"keep/me": "k", "user": "old"}}, "spec": {"a": 1}, "status": {"s": 1}}
    new = {"metadata": {"name": "j", "uid": "forged", "annotations": {"user": "new"}}, "spec": {"a": 2},
           "status": {"s": 99}}

    merged = objects_api.carry_server_fields(new, old, controller_annotations=("keep/me",))

    assert merged["status"] == {"s": 1} and merged["spec"] == {"a": 2}
    assert merged["metadata"] == {"name": "j", "namespace": "ns", "uid": "u", "creationTimestamp": "t",
                                  "resourceVersion": "7", "annotations": {"user": "new", "keep/me": "k"}}


def test_a_selecting_watch_sees_objects_leave_and_enter_its_selection() -> None:
    shown = {"ns/a"}
    steps = [("MODIFIED", "ns/a", False), ("MODIFIED", "ns/a", False), ("MODIFIED", "ns/a", True),
             ("DELETED", "ns/a", False), ("DELETED", "ns/b", False), ("ADDED", "ns/c", True)]

    seen = [watching.translate(kind, key, matches, shown) for kind, key, matches in steps]

    assert seen == ["DELETED", "", "MODIFIED", "DELETED", "", "ADDED"]
    assert shown == {"ns/c"}
