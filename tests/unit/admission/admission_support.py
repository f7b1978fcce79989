"""Test support for admission: a dict-backed context and small fluent builders."""

from __future__ import annotations

import copy
import pathlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from services.admission import review

Obj = dict[str, Any]
MPI_JOB = pathlib.Path(__file__).with_name("mpi-job.yaml")


@dataclass
class Ctx:
    """The AdmissionContext over plain dicts."""

    queues: dict[str, Obj] = field(default_factory=dict)
    priority_classes: dict[str, Obj] = field(default_factory=dict)

    def get_queue(self, name: str) -> Obj | None:
        return self.queues.get(name)

    def list_queues(self) -> list[Obj]:
        return list(self.queues.values())

    def get_priority_class(self, name: str) -> Obj | None:
        return self.priority_classes.get(name)

    def with_queues(self, *queues: Obj) -> Ctx:
        for q in queues:
            self.queues[q["metadata"]["name"]] = q
        return self

    def with_priority_class(self, name: str) -> Ctx:
        self.priority_classes[name] = {"kind": "PriorityClass", "metadata": {"name": name},
                                       "value": 1000}
        return self


class QueueB:
    def __init__(self, name: str) -> None:
        self._q: Obj = {"apiVersion": "scheduling.volcano.sh/v1beta1", "kind": "Queue",
                        "metadata": {"name": name}, "spec": {"weight": 1, "reclaimable": True},
                        "status": {"state": "Open"}}

    def spec(self, **fields: Any) -> QueueB:
        self._q["spec"].update(fields)
        return self

    def parent(self, name: str) -> QueueB:
        return self.spec(parent=name)

    def state(self, state: str) -> QueueB:
        self._q["status"]["state"] = state
        return self

    def guarantee(self, **res: Any) -> QueueB:
        return self.spec(guarantee={"resource": _res(res)})

    def deserved(self, **res: Any) -> QueueB:
        return self.spec(deserved=_res(res))

    def capability(self, **res: Any) -> QueueB:
        return self.spec(capability=_res(res))

    def without(self, *keys: str) -> QueueB:
        for key in keys:
            self._q["spec"].pop(key, None)
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._q)


def _res(res: dict[str, Any]) -> dict[str, Any]:
    # nvidia_com__gpu=1 spells nvidia.com/gpu in keyword form.
    return {k.replace("__", "/").replace("_", "."): v for k, v in res.items()}


def queue(name: str) -> QueueB:
    return QueueB(name)


def default_ctx() -> Ctx:
    return Ctx().with_queues(queue("root").obj(), queue("default").obj())


class JobB:
    """Starts from the MPI example (one master, three workers)."""

    def __init__(self) -> None:
        self._j: Obj = yaml.safe_load(MPI_JOB.read_text())

    def name(self, name: str) -> JobB:
        self._j["metadata"]["name"] = name
        return self

    def spec(self, **fields: Any) -> JobB:
        self._j["spec"].update(fields)
        return self

    def drop(self, *keys: str) -> JobB:
        for key in keys:
            self._j["spec"].pop(key, None)
        return self

    def task(self, index: int, **fields: Any) -> JobB:
        self._j["spec"]["tasks"][index].update(fields)
        return self

    def drop_task_field(self, index: int, *keys: str) -> JobB:
        for key in keys:
            self._j["spec"]["tasks"][index].pop(key, None)
        return self

    def obj(self) -> Obj:
        return copy.deepcopy(self._j)


def job() -> JobB:
    return JobB()


def podgroup(queue_name: str = "default", **spec: Any) -> Obj:
    return {"apiVersion": "scheduling.volcano.sh/v1beta1", "kind": "PodGroup",
            "metadata": {"name": "pg", "namespace": "default"},
            "spec": {"minMember": 1, "queue": queue_name, **spec}}


def causes_of(result: review.ReviewResult) -> list[tuple[str, str]]:
    return [(c.field, c.message) for c in result.causes]
