"""The official Kubernetes Python client (kubernetes_asyncio) pointed at the gateway."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from kubernetes_asyncio import client as k8s


@contextlib.asynccontextmanager
async def api_client(url: str, token: str = "") -> AsyncIterator[k8s.ApiClient]:
    config = k8s.Configuration(host=url)
    if token:
        config.api_key = {"BearerToken": token}
        config.api_key_prefix = {"BearerToken": "Bearer"}
    async with k8s.ApiClient(config) as client:
        yield client
