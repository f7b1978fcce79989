"""A small REST client for e2e tests: the Kubernetes-style paths Basalt serves, and the calls a
Volcano user makes (submit, get, patch, list pods of a job, issue a bus Command)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

from basalt.api import kinds, labels
from tests import servers

Obj = dict[str, Any]
T = TypeVar("T")
MERGE_PATCH = "application/merge-patch+json"
FINISHED = frozenset({"Completed", "Failed", "Aborted", "Terminated"})
"""Phases a job does not leave on its own (Aborted only on a ResumeJob command)."""


def collection(kind: kinds.Kind, namespace: str = "default") -> str:
    root = "/api/v1" if kind.api_version == "v1" else f"/apis/{kind.api_version}"
    return f"{root}/namespaces/{namespace}/{kind.plural}" if kind.namespaced else f"{root}/{kind.plural}"


def item(kind: kinds.Kind, name: str, namespace: str = "default") -> str:
    return f"{collection(kind, namespace)}/{name}"


def controller_ref(obj: Obj) -> Obj:
    """``metav1.NewControllerRef``: how vcctl points a Command at its job or queue."""
    md = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": md["name"], "uid": md["uid"],
            "controller": True, "blockOwnerDeletion": True}


def command(target: Obj, action: str) -> Obj:
    """The bus Command vcctl creates for ``job suspend|resume`` and ``queue operate``."""
    ref = controller_ref(target)
    return {"apiVersion": kinds.COMMAND.api_version, "kind": kinds.COMMAND.kind,
            "metadata": {"generateName": f"{ref['name']}-{action.lower()}-", "ownerReferences": [ref]},
            "target": ref, "action": action}  # Command.TargetObject is `json:"target"` in volcano-sh/apis


def phase(job: Obj) -> str:
    return str(((job.get("status") or {}).get("state") or {}).get("phase") or "")


def pod_phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "Pending")


def task_of(pod: Obj) -> str:
    return str(pod["metadata"].get("labels", {}).get(labels.TASK_SPEC) or "")


@dataclass(frozen=True)
class Reply:
    status: int
    body: Obj


@dataclass
class Client:
    session: aiohttp.ClientSession
    base: str
    namespace: str = "default"

    async def call(self, method: str, path: str, body: Obj | None = None,
                   content_type: str = "application/json") -> Reply:
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": content_type} if body is not None else {}
        async with self.session.request(method, self.base + path, data=data, headers=headers) as reply:
            text = await reply.text()
            return Reply(reply.status, json.loads(text) if text else {})

    async def create(self, kind: kinds.Kind, obj: Obj) -> Obj:
        """POST and insist on 201; returns the stored object."""
        reply = await self.call("POST", collection(kind, self.namespace), obj)
        assert reply.status == 201, (reply.status, reply.body)
        return reply.body

    async def get(self, kind: kinds.Kind, name: str) -> Obj | None:
        """The object, or None on 404 (anything else fails the test)."""
        reply = await self.call("GET", item(kind, name, self.namespace))
        if reply.status == 404:
            return None
        assert reply.status == 200, (reply.status, reply.body)
        return reply.body

    async def job(self, name: str) -> Obj:
        job = await self.get(kinds.JOB, name)
        assert job is not None, f"job {name} is gone"
        return job

    async def patch_job(self, name: str, patch: Obj) -> Obj:
        reply = await self.call("PATCH", item(kinds.JOB, name, self.namespace), patch, MERGE_PATCH)
        assert reply.status == 200, (reply.status, reply.body)
        return reply.body

    async def delete_job(self, name: str) -> None:
        """Delete the job (its pods go with it); tidy-up for tests that leave sleepers running."""
        reply = await self.call("DELETE", item(kinds.JOB, name, self.namespace))
        assert reply.status in (200, 202), (reply.status, reply.body)

    async def pods(self, job_name: str) -> list[Obj]:
        """The job's pods, by Volcano's ``volcano.sh/job-name`` label, sorted by name."""
        path = f"{collection(kinds.POD, self.namespace)}?labelSelector={labels.JOB_NAME}={job_name}"
        reply = await self.call("GET", path)
        assert reply.status == 200, (reply.status, reply.body)
        return sorted(reply.body.get("items") or [], key=lambda p: str(p["metadata"]["name"]))

    async def issue(self, target: Obj, action: str, namespace: str | None = None) -> Obj:
        """POST a bus Command (vcctl puts queue commands in ``default``, job ones beside the job)."""
        path = collection(kinds.COMMAND, namespace or target["metadata"].get("namespace") or self.namespace)
        reply = await self.call("POST", path, command(target, action))
        assert reply.status == 201, (reply.status, reply.body)
        return reply.body

    async def wait_phase(self, name: str, wanted: str, timeout: float = 60.0,
                         fail_on: frozenset[str] = FINISHED) -> Obj:
        """Poll the job until its phase is ``wanted``; a phase in ``fail_on`` fails at once."""
        seen: list[Obj] = []

        async def reached() -> Obj | None:
            job = await self.job(name)
            seen[:] = [job]
            current = phase(job)
            assert current == wanted or current not in fail_on, f"job {name} ended {current}: {job.get('status')}"
            return job if current == wanted else None

        return await until(reached, lambda: f"job {name} is not {wanted}: {seen[0].get('status') if seen else None}",
                           timeout)

    async def wait_pods(self, job_name: str, check: Callable[[list[Obj]], bool], timeout: float = 60.0) -> list[Obj]:
        """Poll the job's pods until ``check(pods)`` holds; returns that list."""
        seen: list[list[Obj]] = []

        async def ready() -> tuple[list[Obj]] | None:
            pods = await self.pods(job_name)
            seen[:] = [pods]
            return (pods,) if check(pods) else None  # boxed: an empty list can be the answer

        result = await until(ready, lambda: f"pods of {job_name}: {summary(seen[0]) if seen else None}", timeout)
        return result[0]


def summary(pods: list[Obj]) -> list[tuple[str, str]]:
    return [(str(p["metadata"]["name"]), pod_phase(p)) for p in pods]


async def until(check: Callable[[], Awaitable[T | None]], describe: Callable[[], str], timeout: float,
                interval: float = 0.1) -> T:
    """``servers.eventually`` whose failure says what was last seen."""
    try:
        result: T = await servers.eventually(check, timeout=timeout, interval=interval)
    except AssertionError as exc:
        if "condition not met" not in str(exc):
            raise
        raise AssertionError(f"within {timeout}s: {describe()}") from None
    return result
