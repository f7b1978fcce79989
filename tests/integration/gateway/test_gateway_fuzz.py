"""Property-based fuzzing of every REST route the OpenAPI document describes, against the real
gateway and controller: random paths, query parameters, headers and bodies (valid objects
mutated, arbitrary JSON, garbage bytes). Whatever is sent, the gateway answers within a timeout,
never with a 5xx, always a Status when it refuses, and a refused request stores nothing.

Hypothesis drives a worker thread; every request and store read runs on the test's event loop
(where the servers live), so the servers keep serving while the examples are generated.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import aiohttp
import yarl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basalt.api import kinds
from basalt.store import objects
from tests.integration.gateway.builders import JobBuilder, QueueBuilder

T = TypeVar("T")
REQUEST_TIMEOUT = 15.0
NAMES = st.one_of(st.sampled_from(["fz", "default", "x", "a-b", "team-x"]),
                  st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
CONTENT_TYPES = st.sampled_from(["application/json", "application/yaml", "application/merge-patch+json",
                                 "application/strategic-merge-patch+json", "application/json-patch+json",
                                 "text/plain", "application/xml", ""])


def valid_object(template: str) -> Any:
    if "/queues" in template:
        return QueueBuilder("fz").obj()
    if "/commands" in template:
        return {"apiVersion": "bus.volcano.sh/v1alpha1", "kind": "Command", "metadata": {"name": "fz"},
                "action": "AbortJob", "target": {"apiVersion": "batch.volcano.sh/v1alpha1", "kind": "Job",
                                                        "name": "fz", "uid": "u"}}
    return JobBuilder("fz").obj()


@st.composite
def bodies(draw: st.DrawFn, template: str) -> bytes:
    """A valid object of the route's kind with random fields merged in, arbitrary JSON or bytes."""
    choice = draw(st.sampled_from(["mutated", "json", "bytes", "patch"]))
    if choice == "mutated":
        obj = valid_object(template)
        for key, value in draw(st.dictionaries(st.sampled_from(["metadata", "spec", "status", "kind",
                                                                "apiVersion", "action"]), JSON_VALUES,
                                               max_size=2)).items():
            target = obj.get(key)
            if isinstance(target, dict) and isinstance(value, dict):
                target.update(value)
            else:
                obj[key] = value
        return json.dumps(obj).encode()
    if choice == "json":
        return json.dumps(draw(JSON_VALUES)).encode()
    if choice == "patch":
        return json.dumps([{"op": draw(st.sampled_from(["add", "remove", "replace", "test", "move"])),
                            "path": draw(st.sampled_from(["/spec/minAvailable", "/metadata/labels", "/x/0", "",
                                                          "/metadata/name"])),
                            "value": draw(JSON_VALUES)}]).encode()
    return draw(st.binary(max_size=64))


def query_value(kind: str) -> st.SearchStrategy[str]:
    if kind == "integer":
        return st.one_of(st.integers(-3, 2**64).map(str), st.text(max_size=5))
    if kind == "boolean":
        return st.sampled_from(["true", "false", "1", "0", "yes", ""])
    return st.one_of(st.sampled_from(["a=b", "a in (x,y)", "!a", "metadata.name=fz", "status.phase!=x", "=", "1"]),
                     st.text(max_size=12))


@st.composite
def requests(draw: st.DrawFn, document: dict[str, Any]) -> tuple[str, str, dict[str, str], bytes | None]:
    """(method, encoded path with query, headers, body) for one operation of the document."""
    template = draw(st.sampled_from(sorted(document["paths"])))
    method = draw(st.sampled_from(sorted(document["paths"][template])))
    operation = document["paths"][template][method]
    path = template
    query: dict[str, str] = {}
    headers: dict[str, str] = {}
    body: bytes | None = None
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path":
            path = path.replace("{" + name + "}", quote(draw(NAMES), safe=""))
        elif parameter["in"] == "query" and draw(st.booleans()):
            query[name] = draw(query_value(parameter.get("type", "string")))
        elif parameter["in"] == "header" and draw(st.booleans()):
            headers[name] = draw(st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=10))
        elif parameter["in"] == "body":
            body = draw(bodies(template))
            headers["Content-Type"] = draw(st.one_of(st.sampled_from(operation.get("consumes", [])), CONTENT_TYPES))
    if "watch" in query or "follow" in query:
        query["timeoutSeconds"] = "1"  # a stream is fuzzed too, but must end
    return method.upper(), path + ("?" + urlencode(query) if query else ""), headers, body


async def snapshot(store: objects.Store) -> dict[str, Any]:
    """What a refused request must not change: jobs and queues with their specs, and command names
    (the controller consumes commands, so only new ones count)."""
    found: dict[str, Any] = {}
    for kind in (kinds.JOB, kinds.QUEUE):
        for obj in await store.list_all(kind):
            found[f"{kind.plural}/{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"] = \
                (obj.get("spec"), obj["metadata"].get("labels"))
    found["commands"] = {c["metadata"]["name"] for c in await store.list_all(kinds.COMMAND)}
    return found


async def test_every_route_survives_random_requests(gateway_url: str, store: objects.Store) -> None:
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:
        async with session.get(gateway_url + "/openapi/v2") as reply:
            document = await reply.json()
        # Something for the item routes to find.
        await session.post(gateway_url + "/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs",
                           json=JobBuilder("fz").obj())

        def on_loop(coroutine: Coroutine[Any, Any, T]) -> T:
            return asyncio.run_coroutine_threadsafe(coroutine, loop).result(REQUEST_TIMEOUT * 2)

        async def send(method: str, path: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
            url = yarl.URL(gateway_url + path, encoded=True)
            async with session.request(method, url, headers=headers, data=body) as reply:
                data = await asyncio.wait_for(reply.read(), REQUEST_TIMEOUT)
                return reply.status, data

        @settings(max_examples=400, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(request=requests(document))
        def check(request: tuple[str, str, dict[str, str], bytes | None]) -> None:
            method, path, headers, body = request
            before = on_loop(snapshot(store)) if method != "GET" else None
            code, data = on_loop(send(method, path, headers, body))
            assert code < 500, (request, code, data[:300])
            if code >= 400:
                status = json.loads(data)
                assert (status["kind"], status["code"]) == ("Status", code), (request, status)
                if before is not None:
                    after = on_loop(snapshot(store))
                    assert {k: v for k, v in after.items() if k != "commands"} == \
                        {k: v for k, v in before.items() if k != "commands"}, request
                    assert after["commands"] <= before["commands"], request

        await asyncio.to_thread(check)
