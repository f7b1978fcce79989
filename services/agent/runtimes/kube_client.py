"""The connection to a real cluster's API server, and raw JSON requests over it.

The runtime keeps objects as plain dicts, as everywhere in Basalt, so requests are made with
``_preload_content=False`` and decoded here; a non-2xx answer becomes an ``ApiException`` carrying
the HTTP status and the message of Kubernetes' ``Status`` body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any, cast

import aiohttp
from kubernetes_asyncio import client, config
from kubernetes_asyncio.client import exceptions

from basalt.api import meta

ApiException = exceptions.ApiException
NOT_FOUND = 404
CONFLICT = 409
GONE = 410
TOO_MANY_REQUESTS = 429


class Connection:
    """An ApiClient, and the task renewing its token when the kubeconfig's credentials expire
    (exec plugins such as EKS' and GKE's, or gcp auth)."""

    def __init__(self, api: client.ApiClient, renewal: asyncio.Task[None] | None = None) -> None:
        self.api = api
        self.renewal = renewal

    async def close(self) -> None:
        if self.renewal is not None:
            self.renewal.cancel()
            await asyncio.gather(self.renewal, return_exceptions=True)
        await self.api.close()


async def connect(kubeconfig: str, context: str = "") -> Connection:
    """A connection for the kubeconfig at ``kubeconfig`` (its ``context``, or the current one), or
    for the in-cluster service account (whose token file is re-read as it rotates) when empty."""
    configuration = client.Configuration()
    if not kubeconfig:
        # kubernetes_asyncio leaves this one untyped.
        cast(Any, config).load_incluster_config(client_configuration=configuration)
        return Connection(client.ApiClient(configuration))
    loader = await config.load_kube_config(config_file=kubeconfig, context=context or None,
                                           client_configuration=configuration, persist_config=False)
    # Returns at once for credentials that do not expire.
    renewal = asyncio.create_task(cast(Any, config).refresh_token(loader, configuration),
                                  name="agent-k8s-token-renewal")
    return Connection(client.ApiClient(configuration), renewal)


async def checked(call: Awaitable[Any]) -> aiohttp.ClientResponse:
    """The response of an API call made with ``_preload_content=False``, once it is known to be a
    success; otherwise the response is released and an ``ApiException`` raised."""
    response: aiohttp.ClientResponse = await call
    if 200 <= response.status <= 299:
        return response
    try:
        body = await response.read()
    finally:
        response.release()
    raise ApiException(status=response.status, reason=status_message(body))


async def json_of(call: Awaitable[Any]) -> meta.Obj:
    """The decoded JSON body of a successful API call made with ``_preload_content=False``."""
    response = await checked(call)
    try:
        decoded: meta.Obj = json.loads(await response.read())
    finally:
        response.release()
    return decoded


def is_transient(exc: ApiException) -> bool:
    """Whether a refusal means "not now": throttled, or the server (or a proxy before it) failing."""
    return exc.status == TOO_MANY_REQUESTS or (exc.status or 0) >= 500


def status_message(body: bytes) -> str:
    """The message of a Kubernetes ``Status`` body, or the body itself when it is not one."""
    try:
        status = json.loads(body)
    except ValueError:
        return body.decode(errors="replace")[:500]
    if isinstance(status, dict) and status.get("kind") == "Status":
        return str(status.get("message") or status.get("reason") or "")
    return body.decode(errors="replace")[:500]
