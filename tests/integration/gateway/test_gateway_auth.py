"""Authentication and authorization end to end: every verb with no token, a wrong token, and a
token for another namespace (or without the verb), against the real controller; refused requests
store nothing and tokens never reach the access log."""

from __future__ import annotations

import json
import logging
import pathlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from kubernetes_asyncio import client as k8s

from basalt.api import kinds
from basalt.store import objects
from services.gateway import app
from services.gateway.settings import Settings
from tests import servers
from tests.integration.gateway import kube
from tests.integration.gateway.builders import JobBuilder, QueueBuilder

TOKENS = """
tokens:
  - {token: alice-secret-token, subject: alice, namespaces: [team-a], verbs: [write]}
  - {token: reader-secret-token, subject: reader, namespaces: [team-a], verbs: [read]}
  - {token: admin-secret-token, subject: root, namespaces: "*", verbs: [admin]}
"""
JOBS_A = "/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs"
JOBS_B = "/apis/batch.volcano.sh/v1alpha1/namespaces/team-b/jobs"
QUEUES = "/apis/scheduling.volcano.sh/v1beta1/queues"
MERGE = "application/merge-patch+json"
# (method, path template with {jobs}, body, content type): every verb on namespaced jobs.
JOB_REQUESTS = [
    ("GET", "{jobs}", None, ""),
    ("GET", "{jobs}?watch=true", None, ""),
    ("POST", "{jobs}", "new", "application/json"),
    ("GET", "{jobs}/x", None, ""),
    ("PUT", "{jobs}/x", "x", "application/json"),
    ("PATCH", "{jobs}/x", {"spec": {"minAvailable": 1}}, MERGE),
    ("DELETE", "{jobs}/x", None, ""),
    ("GET", "{jobs}/x/explain", None, ""),
    ("POST", "{jobs}/x/suspend", None, ""),
]


@pytest.fixture
async def secured(controller_target: str, tmp_path: pathlib.Path) -> AsyncIterator[str]:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(TOKENS)
    settings = Settings(port=0, controller=controller_target, tokens_file=str(tokens))
    async with servers.running(app.serve, settings) as url:
        yield url


def body_for(marker: Any, namespace: str) -> str | None:
    if marker is None:
        return None
    if isinstance(marker, str):
        return json.dumps(JobBuilder(marker, namespace).obj())
    return json.dumps(marker)


async def send(url: str, method: str, path: str, body: str | None, content_type: str,
               token: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": content_type} if content_type else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with aiohttp.ClientSession() as session, \
            session.request(method, url + path, data=body, headers=headers) as reply:
        return reply.status, await reply.json()


@pytest.mark.parametrize(("method", "template", "marker", "content_type"), JOB_REQUESTS)
@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["no-token", "wrong-token"])
async def test_without_a_valid_token_every_verb_is_401(secured: str, store: objects.Store, method: str,
                                                       template: str, marker: Any, content_type: str,
                                                       token: str | None) -> None:
    code, body = await send(secured, method, template.format(jobs=JOBS_A), body_for(marker, "team-a"),
                            content_type, token)
    assert (code, body["kind"], body["reason"], body["message"]) == (401, "Status", "Unauthorized", "Unauthorized")
    assert await store.list_all(kinds.JOB) == []


@pytest.mark.parametrize(("method", "template", "marker", "content_type"), JOB_REQUESTS)
async def test_a_token_for_another_namespace_is_403(secured: str, store: objects.Store, method: str,
                                                    template: str, marker: Any, content_type: str) -> None:
    code, body = await send(secured, method, template.format(jobs=JOBS_B), body_for(marker, "team-b"),
                            content_type, "alice-secret-token")
    assert (code, body["reason"]) == (403, "Forbidden")
    assert body["message"].startswith("jobs.batch.volcano.sh")
    assert 'is forbidden: User "alice" cannot ' in body["message"]
    assert body["message"].endswith('in API group "batch.volcano.sh" in the namespace "team-b"')
    assert body["details"]["kind"] == "jobs" and body["details"]["group"] == "batch.volcano.sh"
    assert await store.list_all(kinds.JOB) == []


@pytest.mark.parametrize(("method", "template", "marker", "content_type"),
                         [r for r in JOB_REQUESTS if r[0] != "GET"])
async def test_a_read_only_token_cannot_write(secured: str, store: objects.Store, method: str,
                                              template: str, marker: Any, content_type: str) -> None:
    code, body = await send(secured, method, template.format(jobs=JOBS_A), body_for(marker, "team-a"),
                            content_type, "reader-secret-token")
    assert (code, body["reason"]) == (403, "Forbidden")
    assert await store.list_all(kinds.JOB) == []


async def test_queue_writes_need_admin(secured: str, store: objects.Store) -> None:
    queue = json.dumps(QueueBuilder("guarded").obj())
    code, body = await send(secured, "POST", QUEUES, queue, "application/json", "alice-secret-token")
    assert (code, body["message"]) == (403, 'queues.scheduling.volcano.sh is forbidden: User "alice" cannot '
                                            'create resource "queues" in API group "scheduling.volcano.sh" '
                                            'at the cluster scope')
    assert await store.get(kinds.QUEUE, "", "guarded") is None
    assert (await send(secured, "GET", QUEUES, None, "", "alice-secret-token"))[0] == 200
    assert (await send(secured, "POST", QUEUES, queue, "application/json", "admin-secret-token"))[0] == 201


async def test_the_stock_client_with_a_token_and_probes_without(secured: str) -> None:
    async with kube.api_client(secured, "alice-secret-token") as api:
        custom = k8s.CustomObjectsApi(api)
        created = await custom.create_namespaced_custom_object(
            "batch.volcano.sh", "v1alpha1", "team-a", "jobs", JobBuilder("mine", "team-a").obj())
        assert created["metadata"]["namespace"] == "team-a"
        with pytest.raises(k8s.ApiException) as refused:
            await custom.list_cluster_custom_object("batch.volcano.sh", "v1alpha1", "jobs")
        assert refused.value.status == 403
    async with kube.api_client(secured) as anonymous:
        with pytest.raises(k8s.ApiException) as refused:
            await k8s.ApisApi(anonymous).get_api_versions()
        assert refused.value.status == 401
    async with aiohttp.ClientSession() as session, session.get(secured + "/healthz") as reply:
        assert reply.status == 200


async def test_tokens_never_reach_the_access_log(secured: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await send(secured, "GET", JOBS_A, None, "", "alice-secret-token")
        await send(secured, "GET", JOBS_A, None, "", "wrong-secret-token")
    access = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(access) == 2 and all(JOBS_A in line for line in access)
    assert not any("secret-token" in r.getMessage() for r in caplog.records)
