"""The same scenario over REST (the gateway) and gRPC (the SDK) gives the same objects, modulo
uid, timestamps and resourceVersion, and the same refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from basalt import errors
from basalt.client import AsyncClient
from tests.integration.gateway.builders import JobBuilder, QueueBuilder, stable

BATCH = "/apis/batch.volcano.sh/v1alpha1"
QUEUES = "/apis/scheduling.volcano.sh/v1beta1/queues"


@pytest.fixture
async def api(controller_target: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(controller_target) as client:
        yield client


async def rest(http: aiohttp.ClientSession, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with http.request(method, path, json=body) as reply:
        return reply.status, await reply.json()


def without_namespace(obj: Any) -> Any:
    found = stable(obj)
    found["metadata"] = {k: v for k, v in found["metadata"].items() if k != "namespace"}
    return found


async def test_jobs_created_both_ways_are_the_same(http: aiohttp.ClientSession, api: AsyncClient) -> None:
    code, over_rest = await rest(http, "POST", f"{BATCH}/namespaces/rest/jobs",
                                 JobBuilder("twin", "rest").labels(app="x").replicas(3).obj())
    over_grpc = await api.jobs.create(JobBuilder("twin", "grpc").labels(app="x").replicas(3).obj())
    assert code == 201
    assert without_namespace(over_rest) == without_namespace(over_grpc)
    code, listed = await rest(http, "GET", f"{BATCH}/namespaces/rest/jobs?labelSelector=app%3Dx")
    page = await api.jobs.list("grpc", label_selector="app=x")
    assert [without_namespace(j) for j in listed["items"]] == [without_namespace(j) for j in page.items]


async def test_queues_created_both_ways_are_the_same(http: aiohttp.ClientSession, api: AsyncClient) -> None:
    code, over_rest = await rest(http, "POST", QUEUES, QueueBuilder("rest-q").weight(4).obj())
    over_grpc = await api.queues.create(QueueBuilder("grpc-q").weight(4).obj())
    assert code == 201
    assert over_rest["spec"] == over_grpc["spec"] and over_rest.get("status") == over_grpc.get("status")


async def test_refusals_match(http: aiohttp.ClientSession, api: AsyncClient) -> None:
    bad = JobBuilder("bad").queue("missing").obj()
    bad["spec"]["tasks"] = []
    code, status = await rest(http, "POST", f"{BATCH}/namespaces/default/jobs", bad)
    with pytest.raises(errors.Invalid) as refused:
        await api.jobs.create(bad)
    assert (code, status["reason"]) == (422, "Invalid")
    assert [(c["field"], c["message"]) for c in status["details"]["causes"]] == \
        [(c.field, c.message) for c in refused.value.causes]
    code, status = await rest(http, "GET", f"{BATCH}/namespaces/default/jobs/ghost")
    with pytest.raises(errors.NotFound) as missing:
        await api.jobs.get("ghost")
    assert (code, status["message"]) == (404, missing.value.message)


async def test_explain_is_the_same_document(http: aiohttp.ClientSession, api: AsyncClient) -> None:
    await api.jobs.create(JobBuilder("why").obj())
    code, over_rest = await rest(http, "GET", f"{BATCH}/namespaces/default/jobs/why/explain")
    over_grpc = await api.jobs.explain("why")
    assert code == 200
    assert set(over_rest) == set(over_grpc) and over_rest["queue"] == over_grpc["queue"]
