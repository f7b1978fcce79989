"""The gateway over real HTTP in front of the real controller and admission (per-test Redis):
codes, reasons, messages and list envelopes exactly as a Kubernetes client reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from basalt.store import objects
from services.gateway import app
from services.gateway.settings import Settings
from tests import servers
from tests.integration.gateway import placed_pods

JOBS = "/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs"
PODS = "/api/v1/namespaces/default/pods"
LIMIT = 64 * 1024


def job_yaml(name: str, namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return (f"apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata:\n  name: {name}{ns}\n"
            f"spec:\n  queue: default\n  tasks:\n  - name: t\n    replicas: 1\n    template:\n"
            f"      spec:\n        containers:\n        - name: main\n          image: busybox\n")


async def post(http: aiohttp.ClientSession, body: str | bytes, content_type: str = "application/yaml",
               path: str = JOBS, **headers: str) -> tuple[int, Any]:
    async with http.post(path, data=body, headers={"Content-Type": content_type, **headers}) as reply:
        return reply.status, await reply.json()


async def get(http: aiohttp.ClientSession, path: str) -> tuple[int, Any]:
    async with http.get(path) as reply:
        assert reply.content_type == "application/json"
        return reply.status, await reply.json()


def assert_status(body: Any, code: int, reason: str) -> None:
    assert (body["kind"], body["apiVersion"], body["status"]) == ("Status", "v1", "Failure")
    assert (body["code"], body["reason"]) == (code, reason)


def names(listed: Any) -> list[str]:
    return [item["metadata"]["name"] for item in listed["items"]]


def as_submitted(job: Any) -> Any:
    """The job without what the controller writes after the create: status, and the
    resourceVersion that write bumps."""
    metadata = {k: v for k, v in job["metadata"].items() if k != "resourceVersion"}
    return {**{k: v for k, v in job.items() if k != "status"}, "metadata": metadata}


@pytest.fixture
async def limited(controller_target: str) -> AsyncIterator[aiohttp.ClientSession]:
    """A gateway with a small body limit, so the 413 paths need no megabytes."""
    settings = Settings(port=0, controller=controller_target, max_body_bytes=LIMIT, allow_anonymous=True)
    async with servers.running(app.serve, settings) as url, aiohttp.ClientSession(base_url=url) as session:
        yield session


async def test_create_then_get(http: aiohttp.ClientSession) -> None:
    code, created = await post(http, job_yaml("a"), **{"Idempotency-Key": "k1"})
    assert code == 201
    assert created["metadata"]["namespace"] == "default" and created["metadata"]["resourceVersion"]
    # The key reached the controller: a retry with it replays the first create; without it, a duplicate.
    code, replayed = await post(http, job_yaml("a"), **{"Idempotency-Key": "k1"})
    assert (code, replayed["metadata"]["uid"]) == (201, created["metadata"]["uid"])
    assert (await post(http, job_yaml("a")))[0] == 409
    code, fetched = await get(http, f"{JOBS}/a")
    assert (code, as_submitted(fetched)) == (200, as_submitted(created))
    assert int(fetched["metadata"]["resourceVersion"]) >= int(created["metadata"]["resourceVersion"])


async def test_garbage_body_is_400_saying_what_failed(http: aiohttp.ClientSession) -> None:
    code, body = await post(http, "{garbage", "application/json")
    assert code == 400
    assert_status(body, 400, "BadRequest")
    assert "could not be parsed as JSON" in body["message"]


async def test_namespace_mismatch_is_400(http: aiohttp.ClientSession) -> None:
    code, body = await post(http, job_yaml("a", namespace="other"))
    assert (code, body["message"]) == (400, "the namespace of the provided object does not match "
                                             "the namespace sent on the request")


async def test_invalid_job_is_422_with_every_cause(http: aiohttp.ClientSession) -> None:
    code, body = await post(http, '{"metadata": {"name": "bad"}, "spec": {"queue": "q"}}', "application/json")
    assert_status(body, 422, "Invalid")
    assert body["message"] == ('Job.batch.volcano.sh "bad" is invalid: [spec.tasks: No task specified in job spec, '
                               'spec.queue: unable to find job queue: queue.scheduling.volcano.sh "q" not found]')
    assert [c["field"] for c in body["details"]["causes"]] == ["spec.tasks", "spec.queue"]
    assert (body["details"]["name"], body["details"]["kind"]) == ("bad", "Job")


async def test_duplicate_is_409_already_exists(http: aiohttp.ClientSession) -> None:
    assert (await post(http, job_yaml("a")))[0] == 201
    code, body = await post(http, job_yaml("a"))
    assert_status(body, 409, "AlreadyExists")
    assert body["details"] == {"name": "a", "group": "batch.volcano.sh", "kind": "jobs"}


async def test_missing_job_and_unknown_path_are_404_status(http: aiohttp.ClientSession) -> None:
    code, body = await get(http, f"{JOBS}/nope")
    assert_status(body, 404, "NotFound")
    assert body["message"] == 'jobs.batch.volcano.sh "nope" not found'
    code, body = await get(http, "/apis/nothing/here")
    assert_status(body, 404, "NotFound")


async def test_wrong_method_is_405_status(http: aiohttp.ClientSession) -> None:
    async with http.put("/api/v1/namespaces/default/pods/a", data="{}") as reply:  # pods are read-only
        assert_status(await reply.json(), 405, "MethodNotAllowed")


async def test_body_over_the_limit_is_413(limited: aiohttp.ClientSession) -> None:
    code, body = await post(limited, "x" * (LIMIT + 1))
    assert_status(body, 413, "RequestEntityTooLarge")
    assert body["message"] == "Request entity too large: limit is 65536"


async def test_chunked_body_over_the_limit_is_413(limited: aiohttp.ClientSession) -> None:
    async def chunks() -> Any:
        for _ in range(LIMIT // 1024 + 1):
            yield b"x" * 1024

    async with limited.post(JOBS, data=chunks(), headers={"Content-Type": "application/yaml"}) as reply:
        assert_status(await reply.json(), 413, "RequestEntityTooLarge")


async def test_unsupported_media_type_is_415(http: aiohttp.ClientSession) -> None:
    code, body = await post(http, "<job/>", "application/xml")
    assert_status(body, 415, "UnsupportedMediaType")


async def test_list_pages_with_limit_and_continue(http: aiohttp.ClientSession) -> None:
    for name in ("a", "b", "c"):
        assert (await post(http, job_yaml(name)))[0] == 201
    code, first = await get(http, f"{JOBS}?limit=2")
    assert first["kind"] == "JobList" and first["apiVersion"] == "batch.volcano.sh/v1alpha1"
    assert names(first) == ["a", "b"]
    # The list's resourceVersion is the store's at the time of the read: no item is newer.
    assert int(first["metadata"]["resourceVersion"]) >= max(int(j["metadata"]["resourceVersion"])
                                                            for j in first["items"])
    code, rest = await get(http, f"{JOBS}?limit=2&continue={first['metadata']['continue']}")
    assert names(rest) == ["c"]
    assert "continue" not in rest["metadata"]


async def test_list_across_namespaces(http: aiohttp.ClientSession) -> None:
    await post(http, job_yaml("a"))
    await post(http, job_yaml("b"), path="/apis/batch.volcano.sh/v1alpha1/namespaces/team/jobs")
    code, body = await get(http, "/apis/batch.volcano.sh/v1alpha1/jobs")
    assert sorted(j["metadata"]["namespace"] for j in body["items"]) == ["default", "team"]


async def test_bad_list_parameters_are_400(http: aiohttp.ClientSession) -> None:
    for query, message in (("limit=x", 'limit must be an integer, not "x"'),
                           ("limit=-1", "limit must be between 0 and"), ("limit=99999999999999999999", "limit must be between 0 and"),
                           ("labelSelector=%21%21", "unable to parse requirement")):
        code, body = await get(http, f"{JOBS}?{query}")
        assert (code, body["reason"]) == (400, "BadRequest")
        assert message in body["message"]


@pytest.mark.parametrize(("path", "token", "expected"), [
    (JOBS, "garbage", "default/<name>"),
    (JOBS, "team/a", "default/<name>"),        # another namespace's position
    (JOBS, "default/a/b", "default/<name>"),
    (JOBS, "default/", "default/<name>"),
    ("/apis/batch.volcano.sh/v1alpha1/jobs", "/a", "<namespace>/<name>"),
])
async def test_continue_token_the_list_did_not_issue_is_400(
        http: aiohttp.ClientSession, path: str, token: str, expected: str) -> None:
    await post(http, job_yaml("a"))
    await post(http, job_yaml("a"), path="/apis/batch.volcano.sh/v1alpha1/namespaces/team/jobs")
    async with http.get(path, params={"limit": "1", "continue": token}) as reply:
        body = await reply.json()
    assert_status(body, 400, "BadRequest")
    assert body["message"] == (f'invalid continue token: continue key is not valid: expected "{expected}" '
                               f'as returned by the previous list, got "{token}"')


async def test_delete_then_404(http: aiohttp.ClientSession) -> None:
    await post(http, job_yaml("a"))
    async with http.delete(f"{JOBS}/a") as reply:
        assert reply.status == 200 and (await reply.json())["metadata"]["name"] == "a"
    assert (await get(http, f"{JOBS}/a"))[0] == 404
    async with http.delete(f"{JOBS}/a") as reply:
        assert_status(await reply.json(), 404, "NotFound")


async def test_pods_get_list_and_log(http: aiohttp.ClientSession, store: objects.Store,
                                     redis_client: aioredis.Redis) -> None:
    # The job exists, as it does for every pod the controller makes (see the test below).
    assert (await post(http, job_yaml("a")))[0] == 201
    await placed_pods.add(store, redis_client, "default", "a-t-0", "a", log=b"one\ntwo\nthree\n")
    assert (await get(http, f"{PODS}/a-t-0"))[1]["status"]["phase"] == "Running"
    code, pods = await get(http, PODS)
    assert pods["kind"] == "PodList" and pods["apiVersion"] == "v1" and names(pods) == ["a-t-0"]
    for query, expected in (("", "one\ntwo\nthree\n"), ("?tailLines=2", "two\nthree\n"), ("?tailLines=0", "")):
        async with http.get(f"{PODS}/a-t-0/log{query}") as reply:
            assert (reply.status, reply.content_type, await reply.text()) == (200, "text/plain", expected)
    code, body = await get(http, f"{PODS}/missing/log")
    assert_status(body, 404, "NotFound")
    assert body["details"] == {"name": "missing", "kind": "pods"}


async def test_pods_no_job_controls_are_left_alone(http: aiohttp.ClientSession, store: objects.Store,
                                                   redis_client: aioredis.Redis) -> None:
    await placed_pods.add(store, redis_client, "default", "stray", "no-such-job", phase="Pending", node="")
    # Once a later job's PodGroup exists, the controller has handled the earlier pod event too.
    code, job = await post(http, job_yaml("later"))
    group = f"/apis/scheduling.volcano.sh/v1beta1/namespaces/default/podgroups/later-{job['metadata']['uid']}"
    await servers.eventually(lambda: _found(http, group))
    assert (await get(http, f"{PODS}/stray"))[0] == 200


async def _found(http: aiohttp.ClientSession, path: str) -> bool:
    return (await get(http, path))[0] == 200


async def test_health_and_readiness(http: aiohttp.ClientSession) -> None:
    for path in ("/healthz", "/livez", "/readyz"):
        async with http.get(path) as reply:
            assert (reply.status, await reply.text()) == (200, "ok")


async def test_unreachable_controller_is_503(unused_tcp_port: int) -> None:
    settings = Settings(port=0, controller=f"127.0.0.1:{unused_tcp_port}", allow_anonymous=True)
    async with servers.running(app.serve, settings) as url, aiohttp.ClientSession(base_url=url) as http:
        code, body = await get(http, f"{JOBS}/a")
        assert_status(body, 503, "ServiceUnavailable")
        code, body = await get(http, "/readyz")
        assert_status(body, 503, "ServiceUnavailable")
        assert str(unused_tcp_port) in body["message"]
