"""Pure CLI pieces: vcctl's queue table, capability flags, explain and status rendering, parsing."""

from __future__ import annotations

import pytest

from basalt.cli import client, explain, main, queue, queues, status


def podgroup(queue_name: str, phase: str) -> dict[str, object]:
    return {"spec": {"queue": queue_name}, "status": {"phase": phase}}


def test_queue_table_counts_podgroups_by_phase() -> None:
    stats = queues.statistics([podgroup("q", "Running"), podgroup("q", "Running"), podgroup("q", "Inqueue"),
                               podgroup("other", "Pending")])
    table = queues.table([{"metadata": {"name": "q"}, "spec": {"weight": 2, "parent": "root"},
                           "status": {"state": "Open"}}], stats)
    assert table.splitlines() == [
        "Name                     Weight  State   Parent  Inqueue Pending Running Unknown Completed",
        "q                        2       Open    root    1       0       2       0       0       "]


@pytest.mark.parametrize(("text", "expected"), [
    ("", {}), ("cpu=8", {"cpu": "8"}), ("cpu=8, memory=16Gi", {"cpu": "8", "memory": "16Gi"}),
])
def test_capability(text: str, expected: dict[str, str]) -> None:
    assert queue.capability(text) == expected


@pytest.mark.parametrize("text", ["cpu", "=8", "cpu="])
def test_bad_capability(text: str) -> None:
    with pytest.raises(client.ApiError, match="expected name=quantity"):
        queue.capability(text)


def test_explain_render() -> None:
    text = explain.render("default", "j", {
        "phase": "Pending", "podgroup": "j-1", "podgroupPhase": "Inqueue", "queue": "default",
        "queuePosition": "2", "queuePending": "3", "summary": "waiting for 4 cpu",
        "reasons": [{"stage": "placement", "message": "0/3 nodes fit", "nodesChecked": "3",
                     "failingNodes": {"Insufficient cpu": "3"}}]})
    assert text.splitlines() == [
        "Job:       default/j", "Phase:     Pending", "PodGroup:  j-1 (Inqueue)",
        "Queue:     default (position 2 of 3 waiting)", "Summary:   waiting for 4 cpu",
        "  [placement] 0/3 nodes fit (3 nodes checked)", "      3 node(s): Insufficient cpu"]


def test_status_render() -> None:
    text = status.render({"gateway": "http://g", "ready": True, "jobs": {"Running": 2}, "queues": {"Open": 1},
                          "cluster": {"nodes": "3", "readyNodes": "2",
                                      "controllers": [{"id": "c1", "address": "c:1", "metricsAddress": "c:9"}],
                                      "schedulers": [{"id": "s1", "address": "a:1", "scheduler": {
                                          "sessions": "4", "sessionsSkipped": "9", "commitConflicts": "1",
                                          "lastTakeoverSeconds": 0.25}},
                                                     {"id": "s2", "address": "a:2"}]}})
    assert text.splitlines() == [
        "Gateway:  http://g (ready)", "Nodes:    3 (2 ready)", "Schedulers:  2",
        "  s1 a:1 sessions=4 skipped=9 owned=0 bound=0 conflicts=1 takeover=0.25s", "  s2 a:2 (not answering)",
        "Controllers: 1", "  c1 c:1 metrics=http://c:9/metrics",
        "Jobs:     2 (Running: 2)", "Queues:   1 (Open: 1)"]


def test_queue_flags_follow_vcctl() -> None:
    parser, _ = main.build_parser()
    args = parser.parse_args(["queue", "operate", "-n", "q", "-a", "update", "-w", "4"])
    assert (args.name, args.operation, args.weight, args.action) == ("q", "update", 4, "operate queue")
    args = parser.parse_args(["queue", "create"])
    assert (args.name, args.weight, args.state) == ("test", 1, "Open")
    args = parser.parse_args(["job", "list", "-o", "json", "--all-namespaces", "-q", "research"])
    assert (args.output, args.all_namespaces, args.queue) == ("json", True, "research")
