"""The controller's job lifecycle over real gRPC, with real admission and Redis (no scheduler:
tests admit PodGroups themselves, as the scheduler's enqueue would)."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from basalt import errors
from basalt.api import kinds, labels, meta
from basalt.rpc import server as rpc_server
from basalt.rpc import status
from basalt.store import extras, keys, objects
from basalt.v1 import common_pb2, jobs_pb2, jobs_pb2_grpc
from tests import servers

Obj = dict[str, Any]


class JobSpec:
    """``JobSpec("j").task("w", 2).plugin("svc").obj()``: a small job of quick processes."""

    def __init__(self, name: str, queue: str = "default") -> None:
        self._job: Obj = {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
                          "metadata": {"name": name, "namespace": "default"},
                          "spec": {"schedulerName": "volcano", "queue": queue, "tasks": []}}

    def task(self, name: str, replicas: int) -> JobSpec:
        container = {"name": "main", "image": "busybox", "command": ["true"],
                     "resources": {"requests": {"cpu": "100m"}}}
        template = {"spec": {"restartPolicy": "Never", "containers": [container]}}
        self._job["spec"]["tasks"].append({"name": name, "replicas": replicas, "template": template})
        return self

    def plugin(self, name: str, *args: str) -> JobSpec:
        self._job["spec"].setdefault("plugins", {})[name] = list(args)
        return self

    def spec(self, **fields: Any) -> JobSpec:
        self._job["spec"].update(fields)
        return self

    def obj(self) -> Obj:
        return json.loads(json.dumps(self._job))  # type: ignore[no-any-return]


class Cluster:
    """The controller's services over one channel, and the store underneath."""

    def __init__(self, channel: grpc.aio.Channel, store: objects.Store) -> None:
        self.jobs = jobs_pb2_grpc.JobServiceStub(channel)
        self.queues = jobs_pb2_grpc.QueueServiceStub(channel)
        self.commands = jobs_pb2_grpc.CommandServiceStub(channel)
        self.store = store

    async def submit(self, job: Obj) -> Obj:
        reply = await self.jobs.Create(jobs_pb2.CreateJobRequest(namespace="default", object_json=json.dumps(job)))
        return json.loads(reply.object_json)  # type: ignore[no-any-return]

    async def job(self, name: str) -> Obj | None:
        return await self.store.get(kinds.JOB, "default", name)

    async def phase(self, name: str) -> str:
        job = await self.job(name)
        return str(((job or {}).get("status") or {}).get("state", {}).get("phase") or "")

    async def group(self, name: str) -> Obj | None:
        job = await self.job(name)
        if job is None:
            return None
        return await self.store.get(kinds.PODGROUP, "default", f"{name}-{meta.uid(job)}")

    async def pods(self, name: str) -> list[Obj]:
        return [p for p in await self.store.list_all(kinds.POD, "default")
                if meta.labels(p).get(labels.JOB_NAME) == name and not (p["metadata"].get("deletionTimestamp"))]

    async def pod_names(self, name: str) -> list[str]:
        return sorted(meta.name(p) for p in await self.pods(name))

    async def admit(self, name: str) -> None:
        """Move the job's PodGroup to Inqueue, as the scheduler's enqueue action does."""
        async def moved() -> bool:
            group = await self.group(name)
            if group is None:
                return False
            if (group.get("status") or {}).get("phase") == "Inqueue":
                return True
            group["status"] = {**(group.get("status") or {}), "phase": "Inqueue"}
            try:
                await self.store.update(kinds.PODGROUP, group)
            except errors.Conflict:
                return False
            return True
        await servers.eventually(moved)

    async def update_job(self, name: str, edit: Any) -> Obj:
        """Read, edit, write; again on a conflict (the controller writes the status meanwhile)."""
        async def attempt() -> Obj | None:
            job = await self.job(name)
            assert job is not None
            edit(job)
            return await retry_on_conflict(self.jobs.Update(jobs_pb2.UpdateRequest(object_json=json.dumps(job))))
        return await servers.eventually(attempt)  # type: ignore[no-any-return]


async def retry_on_conflict(call: Any) -> Obj | None:
    """The object an update answered, or None when it lost a compare-and-set race."""
    try:
        reply = await call
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.ABORTED:
            return None
        raise
    return json.loads(reply.object_json)  # type: ignore[no-any-return]


@pytest.fixture
async def cluster(controller_target: str, store: objects.Store) -> AsyncIterator[Cluster]:
    async with rpc_server.channel(controller_target) as channel:
        yield Cluster(channel, store)


def key(name: str) -> common_pb2.ObjectKey:
    return common_pb2.ObjectKey(namespace="default", name=name)


async def test_suspend_aborts_and_resume_brings_the_job_back(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("sus").task("w", 2).obj())
    await cluster.admit("sus")
    assert await servers.eventually(lambda: cluster.pod_names("sus")) == ["sus-w-0", "sus-w-1"]

    cmd = json.loads((await cluster.jobs.Suspend(key("sus"))).object_json)
    assert cmd["action"] == "AbortJob" and cmd["target"]["name"] == "sus"

    async def aborted() -> bool:
        return await cluster.phase("sus") == "Aborted" and not await cluster.pods("sus")
    await servers.eventually(aborted)
    assert await cluster.store.list_all(kinds.COMMAND, "default") == []  # executed, then gone

    await cluster.jobs.Resume(key("sus"))

    async def pending_again() -> bool:
        job = await cluster.job("sus")
        return await cluster.phase("sus") == "Pending" and (job or {}).get("status", {}).get("retryCount") == 1
    await servers.eventually(pending_again)
    group = await servers.eventually(lambda: cluster.group("sus"))
    assert group["spec"]["minMember"] == 2


async def test_update_scales_pods_podgroup_and_host_files(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("sc").task("w", 2).plugin("svc").obj())
    await cluster.admit("sc")
    assert await servers.eventually(lambda: cluster.pod_names("sc")) == ["sc-w-0", "sc-w-1"]

    def scale(replicas: int) -> Any:
        def edit(job: Obj) -> None:
            job["spec"]["minAvailable"] = replicas
            job["spec"]["tasks"][0]["replicas"] = replicas
            job["spec"]["tasks"][0]["minAvailable"] = replicas
        return edit

    await cluster.update_job("sc", scale(3))

    async def scaled_up() -> bool:
        group = await cluster.group("sc") or {}
        return await cluster.pod_names("sc") == ["sc-w-0", "sc-w-1", "sc-w-2"] and group.get("spec", {}).get("minMember") == 3
    await servers.eventually(scaled_up)

    async def hosts_refreshed() -> bool:
        pods = await cluster.pods("sc")
        files = {json.loads(meta.annotations_of(p)["basalt.io/svc-hosts"])["w.host"] for p in pods}
        return files == {"sc-w-0.sc\nsc-w-1.sc\nsc-w-2.sc"}
    await servers.eventually(hosts_refreshed)

    await cluster.update_job("sc", scale(1))

    async def scaled_down() -> bool:
        group = await cluster.group("sc") or {}
        return await cluster.pod_names("sc") == ["sc-w-0"] and group.get("spec", {}).get("minMember") == 1
    await servers.eventually(scaled_down)


async def test_update_outside_scaling_is_refused_and_stale_version_conflicts(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("frozen").task("w", 1).obj())
    job = await cluster.job("frozen")
    assert job is not None
    job["spec"]["schedulerName"] = "other"
    with pytest.raises(grpc.RpcError) as refused:
        await cluster.jobs.Update(jobs_pb2.UpdateRequest(object_json=json.dumps(job)))
    assert isinstance(status.from_rpc_error(refused.value), errors.Invalid)

    stale = await cluster.job("frozen")
    assert stale is not None
    await cluster.update_job("frozen", lambda j: j["spec"].update(minAvailable=1))
    with pytest.raises(grpc.RpcError) as conflict:
        await cluster.jobs.Update(jobs_pb2.UpdateRequest(object_json=json.dumps(stale)))
    assert conflict.value.code() == grpc.StatusCode.ABORTED


async def _next_event(stream: Any, timeout: float = 10.0) -> jobs_pb2.WatchEvent:
    return await asyncio.wait_for(stream.read(), timeout)


async def test_watch_lists_then_resumes_from_a_resource_version(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("first").task("w", 1).obj())
    stream = cluster.jobs.Watch(jobs_pb2.WatchRequest(namespace="default"))
    event = await _next_event(stream)
    seen = json.loads(event.object_json)
    assert event.type == "ADDED" and meta.name(seen) == "first"
    stream.cancel()

    await cluster.submit(JobSpec("second").task("w", 1).obj())
    since = str(meta.resource_version(seen))
    resumed = cluster.jobs.Watch(jobs_pb2.WatchRequest(namespace="default", resource_version=since))
    names = []
    while "second" not in names:
        event = await _next_event(resumed)
        names.append(meta.name(json.loads(event.object_json)))
        assert not (event.type == "ADDED" and names[-1] == "first")  # resumed, not re-listed
    resumed.cancel()

    selected = cluster.jobs.Watch(jobs_pb2.WatchRequest(namespace="default", field_selector="metadata.name=second"))
    assert meta.name(json.loads((await _next_event(selected)).object_json)) == "second"
    selected.cancel()


async def test_watch_from_a_trimmed_version_is_out_of_range(cluster: Cluster) -> None:
    await cluster.store.redis.set(keys.trimmed(kinds.JOB.plural), 1000)
    stream = cluster.jobs.Watch(jobs_pb2.WatchRequest(namespace="default", resource_version="5"))
    with pytest.raises(grpc.RpcError) as caught:
        await _next_event(stream)
    assert caught.value.code() == grpc.StatusCode.OUT_OF_RANGE


async def test_finished_job_is_deleted_after_its_ttl(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("short").task("w", 1).spec(ttlSecondsAfterFinished=0).obj())
    await servers.eventually(lambda: cluster.group("short"))
    created = await cluster.commands.Create(jobs_pb2.CreateObjectRequest(namespace="default", object_json=json.dumps({
        "metadata": {"generateName": "short-completejob-"}, "action": "CompleteJob",
        "target": {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job", "name": "short"}})))
    assert json.loads(created.object_json)["metadata"]["name"].startswith("short-completejob-")

    async def gone() -> bool:
        return await cluster.job("short") is None and not await cluster.store.list_all(kinds.PODGROUP, "default")
    await servers.eventually(gone)


async def test_command_with_an_unknown_action_is_refused(cluster: Cluster) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        await cluster.commands.Create(jobs_pb2.CreateObjectRequest(namespace="default", object_json=json.dumps({
            "metadata": {"name": "bad"}, "action": "Explode",
            "target": {"kind": "Job", "name": "x"}})))
    err = status.from_rpc_error(caught.value)
    assert isinstance(err, errors.Invalid) and [c.field for c in err.causes] == ["action"]


async def test_explain_reads_the_schedulers_reasons_and_the_queue_position(cluster: Cluster) -> None:
    for name in ("ahead", "behind"):
        await cluster.submit(JobSpec(name).task("w", 2).obj())
        await servers.eventually(lambda: cluster.group(name))
    reasons = [{"stage": "enqueue", "message": "queue default is overused"},
               {"stage": "allocate", "message": "0/2 nodes are available: 2 Insufficient nvidia.com/gpu",
                "failing_nodes": {"Insufficient nvidia.com/gpu": 2}, "nodes_checked": 2}]

    async def annotated() -> bool:
        group = await cluster.group("behind")
        assert group is not None
        group["metadata"].setdefault("annotations", {})["basalt.io/pending-reasons"] = json.dumps(reasons)
        try:
            await cluster.store.update(kinds.PODGROUP, group)
        except errors.Conflict:
            return False
        return True
    await servers.eventually(annotated)

    found = await cluster.jobs.Explain(key("behind"))

    assert (found.queue, found.queue_position, found.queue_pending) == ("default", 2, 2)
    assert [r.stage for r in found.reasons] == ["enqueue", "allocate"]
    assert dict(found.reasons[1].failing_nodes) == {"Insufficient nvidia.com/gpu": 2}
    assert found.reasons[1].nodes_checked == 2
    assert found.summary == ("waiting in queue default at position 2 of 2: "
                             "0/2 nodes are available: 2 Insufficient nvidia.com/gpu")
    ahead = await cluster.jobs.Explain(key("ahead"))
    assert ahead.queue_position == 1 and "not reported a reason" in ahead.summary


async def test_pytorch_pods_agree_on_world_size_and_have_distinct_ranks(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("pt").task("master", 1).task("worker", 2).plugin("pytorch", "--port=29500").obj())
    await cluster.admit("pt")
    pods = await servers.eventually(lambda: _all_pods(cluster, "pt", 3))
    envs = [{e["name"]: e["value"] for e in p["spec"]["containers"][0]["env"]} for p in pods]

    assert {e["WORLD_SIZE"] for e in envs} == {"3"}
    assert sorted(e["RANK"] for e in envs) == ["0", "1", "2"]
    assert {e["MASTER_ADDR"] for e in envs} == {"pt-master-0.pt"}
    assert {e["MASTER_PORT"] for e in envs} == {"29500"}


async def _all_pods(cluster: Cluster, name: str, count: int) -> list[Obj]:
    pods = await cluster.pods(name)
    return pods if len(pods) == count else []


async def test_ssh_jobs_share_one_generated_key_pair(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("sh").task("w", 2).plugin("ssh").obj())
    await cluster.admit("sh")
    pods = await servers.eventually(lambda: _all_pods(cluster, "sh", 2))
    files = [json.loads(meta.annotations_of(p)["basalt.io/ssh-files"]) for p in pods]

    assert files[0] == files[1]
    assert files[0]["id_rsa"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert files[0]["authorized_keys"] == files[0]["id_rsa.pub"] and files[0]["id_rsa.pub"].startswith("ssh-rsa ")
    assert "Host sh-w-1\n  HostName sh-w-1.sh\n  Port 22\n" in files[0]["config"]


async def test_a_bare_pod_for_volcano_gets_its_own_podgroup(cluster: Cluster) -> None:
    pod = await cluster.store.create(kinds.POD, {
        "metadata": {"name": "lonely", "namespace": "default"},
        "spec": {"schedulerName": "volcano", "containers": [
            {"name": "c", "command": ["true"], "resources": {"requests": {"cpu": "250m"}}}]},
        "status": {"phase": "Pending"}})
    group_name = f"podgroup-{meta.uid(pod)}"

    group = await servers.eventually(lambda: cluster.store.get(kinds.PODGROUP, "default", group_name))

    assert group.get("spec", {}).get("minMember") == 1 and group["spec"]["queue"] == "default"
    assert group["spec"]["minResources"] == {"cpu": "250m"}

    async def annotated() -> Obj | None:
        current = await cluster.store.get(kinds.POD, "default", "lonely")
        return current if meta.annotations_of(current or {}).get(labels.GROUP_NAME) == group_name else None
    current = await servers.eventually(annotated)

    await cluster.store.delete(kinds.POD, current)

    async def collected() -> bool:
        return await cluster.store.get(kinds.PODGROUP, "default", group_name) is None
    await servers.eventually(collected)


async def test_a_running_job_whose_gang_lost_a_pod_goes_back_to_pending(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("gang").task("w", 2).obj())
    await cluster.admit("gang")
    pods = await servers.eventually(lambda: _all_pods(cluster, "gang", 2))
    await extras.Extras(cluster.store.redis).set_allocatable("n1", {"cpu": 4000, "pods": 110_000})
    for pod in pods:
        running = copy.deepcopy(pod)
        running["spec"]["nodeName"] = "n1"
        running["status"] = {"phase": "Running"}
        await cluster.store.update(kinds.POD, running, old=pod)

    async def phase_is(wanted: str) -> bool:
        return await cluster.phase("gang") == wanted
    await servers.eventually(lambda: phase_is("Running"))

    lost = await cluster.store.get(kinds.POD, "default", "gang-w-1")
    assert lost is not None
    await cluster.store.delete(kinds.POD, lost)  # evicted: the controller re-creates it, Pending

    await servers.eventually(lambda: phase_is("Pending"))


async def test_restart_past_max_retry_fails_the_job(cluster: Cluster) -> None:
    await cluster.submit(JobSpec("once").task("w", 1).spec(maxRetry=1).obj())
    await servers.eventually(lambda: cluster.group("once"))

    cmd = json.loads((await cluster.jobs.Restart(key("once"))).object_json)
    assert cmd["action"] == "RestartJob"

    async def failed() -> Obj | None:
        job = await cluster.job("once")
        return job if await cluster.phase("once") == "Failed" else None
    job = await servers.eventually(failed)
    assert job["status"]["retryCount"] == 1
