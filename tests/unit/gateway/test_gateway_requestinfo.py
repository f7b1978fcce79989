"""Requests classified as the API server's RequestInfoFactory does."""

from __future__ import annotations

import pytest

from services.gateway import requestinfo
from services.gateway.requestinfo import RequestInfo

JOBS = "/apis/batch.volcano.sh/v1alpha1"


@pytest.mark.parametrize(("method", "path", "query", "expected"), [
    ("GET", f"{JOBS}/namespaces/a/jobs", {}, RequestInfo(True, "list", "batch.volcano.sh", "v1alpha1", "a", "jobs")),
    ("GET", f"{JOBS}/namespaces/a/jobs", {"watch": "true"},
     RequestInfo(True, "watch", "batch.volcano.sh", "v1alpha1", "a", "jobs")),
    ("GET", f"{JOBS}/jobs", {}, RequestInfo(True, "list", "batch.volcano.sh", "v1alpha1", "", "jobs")),
    ("PATCH", f"{JOBS}/namespaces/a/jobs/x", {},
     RequestInfo(True, "patch", "batch.volcano.sh", "v1alpha1", "a", "jobs", "x")),
    ("POST", f"{JOBS}/namespaces/a/jobs/x/suspend", {},
     RequestInfo(True, "create", "batch.volcano.sh", "v1alpha1", "a", "jobs", "x", "suspend")),
    ("DELETE", "/apis/scheduling.volcano.sh/v1beta1/queues/q", {},
     RequestInfo(True, "delete", "scheduling.volcano.sh", "v1beta1", "", "queues", "q")),
    ("GET", "/api/v1/namespaces/a/pods/p/log", {}, RequestInfo(True, "get", "", "v1", "a", "pods", "p", "log")),
    ("GET", "/api/v1", {}, RequestInfo(False, "get")),
    ("GET", "/apis", {}, RequestInfo(False, "get")),
    ("GET", "/version", {}, RequestInfo(False, "get")),
])
def test_parse(method: str, path: str, query: dict[str, str], expected: RequestInfo) -> None:
    assert requestinfo.parse(method, path, query) == expected


def test_names_as_kubernetes_words_them() -> None:
    info = requestinfo.parse("GET", "/api/v1/namespaces/a/pods/p/log", {})
    assert (info.qualified_resource, info.resource_path, info.read_only) == ("pods", "pods/log", True)
    info = requestinfo.parse("POST", f"{JOBS}/namespaces/a/jobs", {})
    assert (info.qualified_resource, info.resource_path, info.read_only) == ("jobs.batch.volcano.sh", "jobs", False)
