"""A dependsOn job (minAvailable below its tasks' minimums summed) places its first task alone,
as Volcano's CheckTaskValid allows; a job whose minimums add up to minAvailable still waits."""

from __future__ import annotations

from typing import Any

from services.scheduler import conf, framework

Obj = dict[str, Any]


def objects(min_member: int) -> tuple[list[Obj], list[Obj], list[Obj], list[Obj]]:
    node = {"metadata": {"name": "n1", "labels": {}}, "spec": {},
            "status": {"allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}
    group = {"metadata": {"name": "g", "namespace": "default", "resourceVersion": "1",
                          "creationTimestamp": "2026-01-01T00:00:00Z"},
             "spec": {"minMember": min_member, "minTaskMember": {"master": 1, "worker": 2}, "queue": "default",
                      "minResources": {"cpu": "100m"}},
             "status": {"phase": "Inqueue"}}
    master = {"metadata": {"name": "g-master-0", "namespace": "default", "resourceVersion": "2",
                           "creationTimestamp": "2026-01-01T00:00:00Z",
                           "annotations": {"scheduling.k8s.io/group-name": "g", "volcano.sh/task-spec": "master"}},
              "spec": {"schedulerName": "volcano",
                       "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]},
              "status": {"phase": "Pending"}}
    queue = {"metadata": {"name": "default"}, "spec": {"weight": 1}, "status": {"state": "Open"}}
    return [node], [master], [group], [queue]


def test_first_task_of_a_depends_on_job_is_placed_alone() -> None:
    decided = framework.run_session(framework.build_snapshot(*objects(min_member=1)), conf.DEFAULT_CONF, 0.0)
    assert [[p.name for p in gang.pods] for gang in decided.binds] == [["g-master-0"]]


def test_per_task_minimums_hold_when_they_add_up_to_min_available() -> None:
    decided = framework.run_session(framework.build_snapshot(*objects(min_member=3)), conf.DEFAULT_CONF, 0.0)
    assert decided.binds == [] and decided.reasons["default/g"].stage == "gang"
