"""PodGroups over REST: each Job POSTed through the gateway gets its PodGroup ``<job>-<uid>``
from the real controller, read back under ``/apis/scheduling.volcano.sh/v1beta1``."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import yaml

from basalt.api import kinds
from basalt.store import objects
from tests import servers

API = "/apis/scheduling.volcano.sh/v1beta1"
ALL = f"{API}/podgroups"


def podgroups(namespace: str = "default") -> str:
    return f"{API}/namespaces/{namespace}/podgroups"


def job_yaml(name: str, team: str = "x") -> str:
    return yaml.safe_dump({
        "apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
        "metadata": {"name": name, "labels": {"team": team}},
        "spec": {"queue": "default", "tasks": [{"name": "worker", "replicas": 2, "template": {
            "spec": {"containers": [{"name": "main", "image": "busybox"}]}}}]},
    })


async def get(http: aiohttp.ClientSession, path: str, **params: str) -> tuple[int, Any]:
    async with http.get(path, params=params) as reply:
        assert reply.content_type == "application/json"
        return reply.status, await reply.json()


async def submit(http: aiohttp.ClientSession, name: str, namespace: str = "default", team: str = "x") -> Any:
    """POST a job and wait for the controller to create its PodGroup; returns that group's name."""
    path = f"/apis/batch.volcano.sh/v1alpha1/namespaces/{namespace}/jobs"
    async with http.post(path, data=job_yaml(name, team), headers={"Content-Type": "application/yaml"}) as reply:
        assert reply.status == 201
        job = await reply.json()
    group = f"{name}-{job['metadata']['uid']}"

    async def created() -> bool:
        return (await get(http, f"{podgroups(namespace)}/{group}"))[0] == 200

    await servers.eventually(created)
    return group


def names(listed: Any) -> list[str]:
    return [item["metadata"]["name"] for item in listed["items"]]


def assert_status(body: Any, code: int, reason: str) -> None:
    assert (body["kind"], body["apiVersion"], body["status"]) == ("Status", "v1", "Failure")
    assert (body["code"], body["reason"]) == (code, reason)


async def test_a_jobs_podgroup_is_served_as_stored(http: aiohttp.ClientSession, store: objects.Store) -> None:
    group = await submit(http, "train")
    code, fetched = await get(http, f"{podgroups()}/{group}")
    assert code == 200
    assert fetched == await store.get(kinds.PODGROUP, "default", group)
    assert (fetched["apiVersion"], fetched["kind"]) == ("scheduling.volcano.sh/v1beta1", "PodGroup")
    job = await store.get(kinds.JOB, "default", "train")
    assert job is not None
    owner = fetched["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["uid"], owner["controller"]) == \
        ("Job", "train", job["metadata"]["uid"], True)
    assert (fetched["spec"]["minMember"], fetched["spec"]["queue"], fetched["status"]["phase"]) == \
        (2, "default", "Pending")


async def test_list_in_a_namespace_and_across_all(http: aiohttp.ClientSession) -> None:
    a, b, c = await submit(http, "a"), await submit(http, "b"), await submit(http, "c", namespace="team")
    code, listed = await get(http, podgroups())
    assert (code, listed["apiVersion"], listed["kind"]) == (200, "scheduling.volcano.sh/v1beta1", "PodGroupList")
    assert names(listed) == [a, b] and "continue" not in listed["metadata"]
    assert int(listed["metadata"]["resourceVersion"]) >= max(int(g["metadata"]["resourceVersion"])
                                                             for g in listed["items"])
    code, everywhere = await get(http, ALL)
    assert (code, everywhere["kind"]) == (200, "PodGroupList")
    assert [(g["metadata"]["namespace"], g["metadata"]["name"]) for g in everywhere["items"]] == \
        [("default", a), ("default", b), ("team", c)]
    assert names((await get(http, podgroups("nobody")))[1]) == []


async def test_label_and_field_selectors(http: aiohttp.ClientSession) -> None:
    a, b = await submit(http, "a", team="x"), await submit(http, "b", team="y")
    assert names((await get(http, podgroups(), labelSelector="team=y"))[1]) == [b]  # the job's labels
    assert names((await get(http, ALL, labelSelector="team in (x,y),team!=y"))[1]) == [a]
    assert names((await get(http, podgroups(), fieldSelector=f"metadata.name={a}"))[1]) == [a]
    assert names((await get(http, podgroups(), fieldSelector="status.phase=Pending"))[1]) == [a, b]
    code, body = await get(http, podgroups(), labelSelector="!!")
    assert_status(body, 400, "BadRequest")
    assert body["message"] == "unable to parse requirement: invalid label selector '!!'"
    code, body = await get(http, podgroups(), fieldSelector="spec.queue=default")
    assert_status(body, 400, "BadRequest")
    assert body["message"].startswith('field label not supported: "spec.queue"')


async def test_pages_with_limit_and_continue(http: aiohttp.ClientSession) -> None:
    groups = [await submit(http, name) for name in ("a", "b", "c")]
    code, first = await get(http, podgroups(), limit="2")
    assert names(first) == groups[:2] and first["metadata"]["continue"]
    code, rest = await get(http, podgroups(), limit="2", **{"continue": first["metadata"]["continue"]})
    assert names(rest) == groups[2:] and "continue" not in rest["metadata"]
    code, body = await get(http, podgroups(), limit="2", **{"continue": "garbage"})
    assert_status(body, 400, "BadRequest")
    assert body["message"] == ('invalid continue token: continue key is not valid: expected "default/<name>" '
                               'as returned by the previous list, got "garbage"')


async def test_missing_podgroup_is_404_status(http: aiohttp.ClientSession) -> None:
    code, body = await get(http, f"{podgroups()}/ghost")
    assert_status(body, 404, "NotFound")
    assert body["message"] == 'podgroups.scheduling.volcano.sh "ghost" not found'
    assert body["details"] == {"name": "ghost", "group": "scheduling.volcano.sh", "kind": "podgroups"}


async def test_a_deleted_jobs_podgroup_goes_with_it(http: aiohttp.ClientSession) -> None:
    group = await submit(http, "short")
    async with http.delete("/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs/short") as reply:
        assert reply.status == 200

    async def gone() -> bool:
        return (await get(http, f"{podgroups()}/{group}"))[0] == 404

    await servers.eventually(gone)


@pytest.mark.parametrize(("method", "path"), [("POST", podgroups()), ("DELETE", f"{podgroups()}/g"),
                                              ("PUT", f"{podgroups()}/g")])
async def test_podgroups_are_read_only(http: aiohttp.ClientSession, method: str, path: str) -> None:
    async with http.request(method, path, data="{}") as reply:
        assert reply.status == 405
        assert_status(await reply.json(), 405, "MethodNotAllowed")
