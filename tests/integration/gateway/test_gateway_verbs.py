"""Every verb over raw HTTP, as the Kubernetes conventions word them: PUT with resourceVersion,
merge/JSON patch, watch streams (410 when too old), subresources, Commands, Idempotency-Key on
every create, followed logs and nodes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from basalt.api import kinds
from basalt.store import extras, keys, objects
from tests import servers
from tests.integration.gateway import placed_pods
from tests.integration.gateway.builders import JobBuilder, QueueBuilder

JOBS = "/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs"
QUEUES = "/apis/scheduling.volcano.sh/v1beta1/queues"
COMMANDS = "/apis/bus.volcano.sh/v1alpha1/namespaces/default/commands"
PODS = "/api/v1/namespaces/default/pods"
MERGE = "application/merge-patch+json"


async def call(http: aiohttp.ClientSession, method: str, path: str, body: Any = None,
               content_type: str = "application/json", **headers: str) -> tuple[int, Any]:
    data = None if body is None else body if isinstance(body, str) else json.dumps(body)
    async with http.request(method, path, data=data, headers={"Content-Type": content_type, **headers}) as reply:
        return reply.status, await reply.json()


def assert_status(body: Any, code: int, reason: str) -> None:
    assert (body["kind"], body["status"], body["code"], body["reason"]) == ("Status", "Failure", code, reason)


async def created_job(http: aiohttp.ClientSession, name: str, replicas: int = 2) -> Any:
    code, job = await call(http, "POST", JOBS, JobBuilder(name).replicas(replicas).obj())
    assert code == 201, job
    return job


async def put_current(http: aiohttp.ClientSession, path: str, change: Callable[[Any], None]) -> tuple[Any, Any]:
    """GET then PUT with a change, until no other writer (the controller's status) got in between;
    returns the object as read and as updated."""

    async def attempt() -> tuple[Any, Any] | None:
        code, current = await call(http, "GET", path)
        change(current)
        code, updated = await call(http, "PUT", path, current)
        return (current, updated) if code == 200 else None

    found: tuple[Any, Any] = await servers.eventually(attempt)
    return found


async def test_put_needs_the_current_resource_version(http: aiohttp.ClientSession) -> None:
    await created_job(http, "put")
    job, updated = await put_current(http, f"{JOBS}/put", lambda j: j["spec"].update(minAvailable=2))
    assert updated["spec"]["minAvailable"] == 2
    code, body = await call(http, "PUT", f"{JOBS}/put", job)  # the version it was read at is gone
    assert_status(body, 409, "Conflict")
    del job["metadata"]["resourceVersion"]
    code, body = await call(http, "PUT", f"{JOBS}/put", job)
    assert_status(body, 422, "Invalid")
    assert body["message"] == ('Job.batch.volcano.sh "put" is invalid: metadata.resourceVersion: '
                               'Invalid value: 0x0: must be specified for an update')
    assert [c["field"] for c in body["details"]["causes"]] == ["metadata.resourceVersion"]
    code, body = await call(http, "PUT", f"{JOBS}/other", updated)
    assert_status(body, 400, "BadRequest")
    assert body["message"] == "the name of the object (put) does not match the name on the URL (other)"


async def test_patch_refusals(http: aiohttp.ClientSession) -> None:
    job = await created_job(http, "pt")
    code, body = await call(http, "PATCH", f"{JOBS}/pt", {"spec": {"minAvailable": 1}}, "application/json")
    assert_status(body, 415, "UnsupportedMediaType")
    code, body = await call(http, "PATCH", f"{JOBS}/pt", {"metadata": {"name": "renamed"}}, MERGE)
    assert_status(body, 400, "BadRequest")
    stale = {"metadata": {"resourceVersion": "1"}, "spec": {"minAvailable": 1}}
    code, body = await call(http, "PATCH", f"{JOBS}/pt", stale, MERGE)
    assert_status(body, 409, "Conflict")
    code, body = await call(http, "PATCH", f"{JOBS}/ghost", {"spec": {}}, MERGE)
    assert_status(body, 404, "NotFound")
    code, after = await call(http, "GET", f"{JOBS}/pt")
    assert after["spec"] == job["spec"]  # nothing stored by any refused patch


async def read_events(reply: aiohttp.ClientResponse, count: int) -> list[Any]:
    events: list[Any] = []
    while len(events) < count:
        line = await asyncio.wait_for(reply.content.readline(), 15)
        assert line, "the watch ended early"
        events.append(json.loads(line))
    return events


async def test_watch_streams_newline_delimited_events(http: aiohttp.ClientSession) -> None:
    code, listed = await call(http, "GET", JOBS)
    params = {"watch": "true", "resourceVersion": listed["metadata"]["resourceVersion"]}
    async with http.get(JOBS, params=params) as reply:
        assert (reply.status, reply.content_type) == (200, "application/json")
        await created_job(http, "w")
        await call(http, "DELETE", f"{JOBS}/w")
        seen = []
        while ("DELETED", "w") not in seen:
            event = (await read_events(reply, 1))[0]
            seen.append((event["type"], event["object"]["metadata"]["name"]))
        assert seen[0] == ("ADDED", "w")


async def test_watch_from_a_trimmed_version_is_410_gone(http: aiohttp.ClientSession,
                                                       redis_client: aioredis.Redis) -> None:
    await created_job(http, "old")
    await redis_client.set(keys.trimmed("jobs"), 10**6)
    async with http.get(JOBS, params={"watch": "1", "resourceVersion": "1"}) as reply:
        body = await reply.json()
    assert_status(body, 410, "Expired")
    assert reply.status == 410


async def test_expiry_after_the_stream_started_is_an_error_event(http: aiohttp.ClientSession,
                                                                 redis_client: aioredis.Redis) -> None:
    code, listed = await call(http, "GET", JOBS)
    params = {"watch": "true", "resourceVersion": listed["metadata"]["resourceVersion"]}
    async with http.get(JOBS, params=params) as reply:
        assert reply.status == 200  # headers sent: the failure can only travel in the stream now
        await redis_client.set(keys.trimmed("jobs"), 10**6)
        await created_job(http, "late")
        event = (await read_events(reply, 1))[0]
        assert event["type"] == "ERROR"
        assert_status(event["object"], 410, "Expired")
        assert await asyncio.wait_for(reply.read(), 15) == b""  # and the stream ends


async def test_watch_ends_after_timeout_seconds(http: aiohttp.ClientSession) -> None:
    code, listed = await call(http, "GET", QUEUES)
    params = {"watch": "true", "resourceVersion": listed["metadata"]["resourceVersion"], "timeoutSeconds": "1"}
    async with http.get(QUEUES, params=params) as reply:
        assert reply.status == 200
        # The stream must end by itself; a queue status update made meanwhile may come first.
        body = await asyncio.wait_for(reply.read(), 15)
    assert all(json.loads(line)["type"] in ("ADDED", "MODIFIED", "DELETED") for line in body.splitlines())


async def test_status_subresource_reads_and_refuses_writes(http: aiohttp.ClientSession) -> None:
    job = await created_job(http, "st")
    code, body = await call(http, "GET", f"{JOBS}/st/status")
    assert (code, body["metadata"]["uid"]) == (200, job["metadata"]["uid"])
    code, body = await call(http, "PUT", f"{JOBS}/st/status", job)
    assert_status(body, 405, "MethodNotAllowed")


async def test_explain_is_the_explain_response_as_json(http: aiohttp.ClientSession) -> None:
    await created_job(http, "ex")
    code, body = await call(http, "GET", f"{JOBS}/ex/explain")
    assert code == 200
    assert {"phase", "podgroup", "queue", "queuePosition", "reasons", "summary"} <= set(body)
    assert body["queue"] == "default"
    code, body = await call(http, "GET", f"{JOBS}/ghost/explain")
    assert_status(body, 404, "NotFound")


@pytest.mark.parametrize("action", ["suspend", "resume", "restart"])
async def test_job_actions_are_post_subresources(http: aiohttp.ClientSession, action: str) -> None:
    await created_job(http, "act")
    code, body = await call(http, "POST", f"{JOBS}/act/{action}")
    assert code == 201, body
    code, body = await call(http, "POST", f"{JOBS}/ghost/{action}")
    assert_status(body, 404, "NotFound")


async def test_queue_create_with_an_idempotency_key_replays(http: aiohttp.ClientSession) -> None:
    queue = QueueBuilder("qi").obj()
    code, first = await call(http, "POST", QUEUES, queue, **{"Idempotency-Key": "q-key"})
    code2, again = await call(http, "POST", QUEUES, queue, **{"Idempotency-Key": "q-key"})
    assert (code, code2, again["metadata"].get("uid")) == (201, 201, first["metadata"]["uid"])


async def test_queues_crud_and_operate(http: aiohttp.ClientSession) -> None:
    queue = QueueBuilder("q1").weight(2).obj()
    code, first = await call(http, "POST", QUEUES, queue)
    assert (code, first["spec"]["weight"], "namespace" in first["metadata"]) == (201, 2, False)
    code, body = await call(http, "POST", QUEUES, queue)
    assert_status(body, 409, "AlreadyExists")
    code, body = await call(http, "POST", f"{QUEUES}/q1/close")
    assert code == 201, body
    code, body = await call(http, "PATCH", f"{QUEUES}/q1", {"spec": {"weight": 7}}, MERGE)
    assert (code, body["spec"]["weight"]) == (200, 7)
    code, body = await call(http, "DELETE", f"{QUEUES}/q1")
    assert code == 200
    code, body = await call(http, "GET", f"{QUEUES}/q1")
    assert_status(body, 404, "NotFound")


def abort_command(job: Any) -> Any:
    """vcctl job suspend's Command: AbortJob aimed at the job by an owner reference."""
    return {"apiVersion": "bus.volcano.sh/v1alpha1", "kind": "Command",
            "metadata": {"generateName": f"{job['metadata']['name']}-abortjob-"}, "action": "AbortJob",
            "target": {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
                             "name": job["metadata"]["name"], "uid": job["metadata"]["uid"], "controller": True}}


async def test_commands_create_and_list(http: aiohttp.ClientSession) -> None:
    job = await created_job(http, "cmd")
    code, first = await call(http, "POST", COMMANDS, abort_command(job))
    assert (code, first["action"]) == (201, "AbortJob")
    assert first["metadata"]["name"].startswith("cmd-abortjob-")
    code, listed = await call(http, "GET", COMMANDS)
    assert code == 200 and listed["kind"] == "CommandList"
    code, body = await call(http, "POST", COMMANDS, {"metadata": {"name": "bad"}, "action": "AbortJob"})
    assert_status(body, 422, "Invalid")
    assert {c["field"] for c in body["details"]["causes"]} >= {"target.name"}


async def test_command_create_with_an_idempotency_key_replays(http: aiohttp.ClientSession) -> None:
    job = await created_job(http, "cmdi")
    code, first = await call(http, "POST", COMMANDS, abort_command(job), **{"Idempotency-Key": "c-key"})
    code2, again = await call(http, "POST", COMMANDS, abort_command(job), **{"Idempotency-Key": "c-key"})
    assert (code, code2, again["metadata"]["name"]) == (201, 201, first["metadata"]["name"])


async def test_follow_streams_the_log_until_the_pod_finishes(
        http: aiohttp.ClientSession, store: objects.Store, redis_client: aioredis.Redis) -> None:
    pod = await placed_pods.add(store, redis_client, "default", "f-0", "f", log=b"one\n")
    uid = pod["metadata"]["uid"]
    async with http.get(f"{PODS}/f-0/log", params={"follow": "true"}) as reply:
        assert (reply.status, reply.content_type) == (200, "text/plain")
        assert await asyncio.wait_for(reply.content.readline(), 15) == b"one\n"
        await extras.Extras(redis_client).append_log("default", "f-0", uid, b"two\n")
        assert await asyncio.wait_for(reply.content.readline(), 15) == b"two\n"
        await extras.Extras(redis_client).append_log("default", "f-0", uid, b"three\n")
        current = await store.must_get(kinds.POD, "default", "f-0")
        await store.update(kinds.POD, {**current, "status": {"phase": "Succeeded"}})
        assert await asyncio.wait_for(reply.read(), 15) == b"three\n"  # then the stream ends


async def test_follow_with_tail_lines_and_missing_pod(http: aiohttp.ClientSession, store: objects.Store,
                                                      redis_client: aioredis.Redis) -> None:
    await placed_pods.add(store, redis_client, "default", "t-0", "t", phase="Succeeded", log=b"a\nb\nc\n")
    async with http.get(f"{PODS}/t-0/log", params={"follow": "true", "tailLines": "2"}) as reply:
        assert await asyncio.wait_for(reply.read(), 15) == b"b\nc\n"
    async with http.get(f"{PODS}/ghost/log", params={"follow": "true"}) as reply:
        assert_status(await reply.json(), 404, "NotFound")


async def test_nodes_and_cluster_status(http: aiohttp.ClientSession, store: objects.Store,
                                        redis_client: aioredis.Redis) -> None:
    await placed_pods.add_node(store, redis_client, "n7")
    code, nodes = await call(http, "GET", "/api/v1/nodes")
    assert (code, nodes["kind"], [n["metadata"]["name"] for n in nodes["items"]]) == (200, "NodeList", ["n7"])
    code, node = await call(http, "GET", "/api/v1/nodes/n7")
    assert (code, node["metadata"]["name"]) == (200, "n7")
    code, body = await call(http, "GET", "/api/v1/nodes/ghost")
    assert_status(body, 404, "NotFound")
    code, cluster = await call(http, "GET", "/status/cluster")
    assert (code, cluster["nodes"]) == (200, "1")


async def test_openapi_v2_is_served(http: aiohttp.ClientSession) -> None:
    code, document = await call(http, "GET", "/openapi/v2")
    assert (code, document["swagger"]) == (200, "2.0")
    assert "/apis/scheduling.volcano.sh/v1beta1/queues/{name}" in document["paths"]
