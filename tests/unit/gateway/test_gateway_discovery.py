"""Discovery and OpenAPI documents, built from the served table and the application's router."""

from __future__ import annotations

from services.gateway import app, backend, openapi
from services.gateway.routes import discovery
from services.gateway.routes import openapi as openapi_routes
from services.gateway.settings import Settings


def test_every_volcano_group_is_listed_with_its_preferred_version() -> None:
    groups = {g["name"]: g["preferredVersion"]["groupVersion"] for g in discovery.groups()}
    assert groups == {"batch.volcano.sh": "batch.volcano.sh/v1alpha1",
                      "scheduling.volcano.sh": "scheduling.volcano.sh/v1beta1",
                      "bus.volcano.sh": "bus.volcano.sh/v1alpha1",
                      "scheduling.k8s.io": "scheduling.k8s.io/v1"}


def test_resource_lists_carry_scope_verbs_and_short_names() -> None:
    batch = {r["name"]: r for r in discovery.resource_list("batch.volcano.sh/v1alpha1")["resources"]}
    assert batch["jobs"]["namespaced"] is True and batch["jobs"]["shortNames"] == ["vcjob", "vj"]
    assert {"get", "list", "watch", "create", "update", "patch", "delete"} == set(batch["jobs"]["verbs"])
    assert batch["jobs/suspend"]["verbs"] == ["create"]
    scheduling = {r["name"]: r for r in discovery.resource_list("scheduling.volcano.sh/v1beta1")["resources"]}
    assert scheduling["queues"]["namespaced"] is False and "q" in scheduling["queues"]["shortNames"]
    assert scheduling["podgroups"]["verbs"] == ["get", "list", "watch"] and scheduling["podgroups"]["shortNames"][0] == "pg"
    core = {r["name"] for r in discovery.resource_list("v1")["resources"]}
    assert {"pods", "pods/log", "pods/status"} <= core


async def test_openapi_describes_every_route_of_the_application() -> None:
    rpc = backend.Backend("127.0.0.1:1", 1.0)
    try:
        application = app.make_app(Settings(allow_anonymous=True), rpc)
        routes = openapi_routes.routes(application)
        document = openapi.document(routes)
    finally:
        await rpc.close()
    for template, methods in routes:
        for method in methods:
            if method != "HEAD":
                assert method.lower() in document["paths"][template], (method, template)
    jobs = document["paths"]["/apis/batch.volcano.sh/v1alpha1/namespaces/{namespace}/jobs"]
    assert {p["name"] for p in jobs["get"]["parameters"]} >= {"namespace", "labelSelector", "watch", "limit"}
    assert jobs["post"]["responses"]["201"]["schema"]["$ref"] == "#/definitions/sh.volcano.batch.v1alpha1.Job"
    patch = document["paths"]["/apis/scheduling.volcano.sh/v1beta1/queues/{name}"]["patch"]
    assert "application/merge-patch+json" in patch["consumes"]
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert set(document["definitions"]) >= {"sh.volcano.batch.v1alpha1.Job", "io.k8s.api.core.v1.Pod"}


def test_openapi_v3_per_group_version() -> None:
    v2 = openapi.document([("/apis/batch.volcano.sh/v1alpha1/namespaces/{namespace}/jobs", ["GET", "POST"]),
                           ("/api/v1/namespaces/{namespace}/pods/{name}/log", ["GET"])])
    assert set(openapi.v3_index(v2)["paths"]) >= {"api/v1", "apis/batch.volcano.sh/v1alpha1"}
    batch = openapi.v3(v2, "apis/batch.volcano.sh/v1alpha1")
    assert batch is not None and batch["openapi"] == "3.0.0"
    post = batch["paths"]["/apis/batch.volcano.sh/v1alpha1/namespaces/{namespace}/jobs"]["post"]
    assert post["requestBody"]["content"]["application/yaml"]["schema"]["$ref"] == \
        "#/components/schemas/sh.volcano.batch.v1alpha1.Job"
    assert "#/definitions/" not in str(batch)
    core = openapi.v3(v2, "api/v1")
    assert core is not None and list(core["paths"]) == ["/api/v1/namespaces/{namespace}/pods/{name}/log"]
    assert openapi.v3(v2, "apis/nope/v1") is None
