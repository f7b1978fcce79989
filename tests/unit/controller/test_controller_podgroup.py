"""build_podgroup, minResources (calcPGMinResources) and updated_podgroup."""

from __future__ import annotations

import pytest

from services.controller.materialize import minresources, podgroup
from tests.unit.controller.controller_support import JobBuilder


def test_podgroup_matches_volcano() -> None:
    job = (
        JobBuilder("train", "team-a", "uid-7")
        .task("ps", 1, min_available=1, cpu="1")
        .task("worker", 4, min_available=2, cpu="500m")
        .spec(minAvailable=3, queue="q1", priorityClassName="high")
        .label(team="a")
        .annotate(note="x")
        .obj()
    )

    pg = podgroup.build_podgroup(job)

    assert pg["apiVersion"] == "scheduling.volcano.sh/v1beta1" and pg["kind"] == "PodGroup"
    assert pg["metadata"]["name"] == "train-uid-7"
    assert pg["metadata"]["namespace"] == "team-a"
    assert pg["metadata"]["labels"] == {"team": "a"}
    assert pg["metadata"]["annotations"] == {"note": "x"}
    owner = pg["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["uid"], owner["controller"]) == ("Job", "train", "uid-7", True)
    assert pg["spec"]["minMember"] == 3
    assert pg["spec"]["minTaskMember"] == {"ps": 1, "worker": 2}
    assert pg["spec"]["queue"] == "q1"
    assert pg["spec"]["priorityClassName"] == "high"
    assert pg["spec"]["minResources"]["cpu"] == "2"
    assert pg["status"] == {"phase": "Pending"}


def test_min_task_member_falls_back_to_partitions_then_replicas() -> None:
    job = (
        JobBuilder()
        .task("a", 5, min_available=1)
        .task("b", 8, partitionPolicy={"partitionSize": 2, "minPartitions": 3, "totalPartitions": 4})
        .task("c", 4)
        .obj()
    )

    assert podgroup.min_task_members(job) == {"a": 1, "b": 6, "c": 4}


def test_min_resources_carries_the_quota_evaluator_keys() -> None:
    job = JobBuilder().task("w", 2, min_available=2).min_available(2).obj()
    job["spec"]["tasks"][0]["template"]["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "250m", "memory": "1Gi", "nvidia.com/gpu": "1", "hugepages-2Mi": "4Mi"},
        "limits": {"cpu": "1", "memory": "2Gi"},
    }

    assert podgroup.build_podgroup(job)["spec"]["minResources"] == {
        "count/pods": "2",
        "pods": "2",
        "cpu": "500m",
        "requests.cpu": "500m",
        "limits.cpu": "2",
        "memory": "2Gi",
        "requests.memory": "2Gi",
        "limits.memory": "4Gi",
        "hugepages-2Mi": "8388608",
        "requests.hugepages-2Mi": "8388608",
        "nvidia.com/gpu": "2",
        "requests.nvidia.com/gpu": "2",
    }


def _cpu(job_min: int, tasks: list[tuple[str, int, int | None, str, str | None]], priorities: dict[str, int] | None = None) -> int:
    builder = JobBuilder().min_available(job_min)
    for name, replicas, task_min, cpu, pc in tasks:
        builder.task(name, replicas, min_available=task_min, cpu=cpu, priority_class=pc)
    return minresources.min_resources(builder.obj(), priorities).get("cpu", 0)


@pytest.mark.parametrize(
    ("case", "job_min", "tasks", "priorities", "cpu_milli"),
    [
        # job.minAvailable < sum(task minAvailable): the first minAvailable pods by priority.
        ("first-count-spec-order", 2, [("a", 2, 2, "1", None), ("b", 2, 2, "3", None)], None, 2000),
        ("first-count-by-priority", 2, [("a", 2, 2, "1", None), ("b", 2, 2, "3", "hi")], {"hi": 10}, 6000),
        ("first-count-spills-over", 3, [("a", 2, 2, "1", "hi"), ("b", 2, 2, "3", None)], {"hi": 10}, 5000),
        # job.minAvailable >= sum(task minAvailable): every task's minimum, then spare replicas.
        ("task-minimums", 3, [("a", 2, 1, "1", None), ("b", 4, 2, "3", None)], None, 7000),
        ("fill-by-priority", 4, [("a", 3, 1, "1", None), ("b", 4, 2, "3", "hi")], {"hi": 5}, 10000),
        ("fill-skips-full-tasks", 4, [("a", 2, 2, "1", "hi"), ("b", 4, 1, "3", None)], {"hi": 5}, 8000),
        ("unknown-priority-ranks-zero", 1, [("a", 1, 1, "1", None), ("b", 1, 1, "3", "ghost")], {}, 1000),
        ("zero-min-available", 0, [("a", 2, 0, "1", None)], None, 0),
    ],
)
def test_min_resources_follows_calc_pg_min_resources(
    case: str,
    job_min: int,
    tasks: list[tuple[str, int, int | None, str, str | None]],
    priorities: dict[str, int] | None,
    cpu_milli: int,
) -> None:
    assert _cpu(job_min, tasks, priorities) == cpu_milli, case


def test_updated_podgroup_is_none_when_in_line_and_updates_the_gang_on_scale() -> None:
    job = JobBuilder().task("w", 2, min_available=2, cpu="1").min_available(2).obj()
    pg = podgroup.build_podgroup(job)
    pg["status"] = {"phase": "Running"}
    assert podgroup.updated_podgroup(pg, job) is None

    job["spec"]["tasks"][0].update(replicas=4, minAvailable=3)
    job["spec"]["minAvailable"] = 3
    updated = podgroup.updated_podgroup(pg, job)

    assert updated is not None
    assert updated["spec"]["minMember"] == 3
    assert updated["spec"]["minTaskMember"] == {"w": 3}
    assert updated["spec"]["minResources"]["cpu"] == "3"
    assert updated["status"] == {"phase": "Running"}
    assert pg["spec"]["minMember"] == 2  # the input is not mutated


def test_sub_group_policy_per_partitioned_task() -> None:
    job = JobBuilder().task("w", 8, partitionPolicy={"partitionSize": 4, "minPartitions": 1, "totalPartitions": 2}).obj()

    assert podgroup.build_podgroup(job)["spec"]["subGroupPolicy"] == [
        {
            "name": "w",
            "subGroupSize": 4,
            "minSubGroups": 1,
            "labelSelector": {"matchLabels": {"volcano.sh/task-spec": "w"}},
            "matchLabelKeys": ["volcano.sh/partition-id"],
        }
    ]
