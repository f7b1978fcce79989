"""The Python SDK: Basalt's gRPC API as objects (plain Kubernetes-shaped dicts), for ML platforms.

    import basalt.client

    with basalt.client.Client("127.0.0.1:7001") as api:
        job = api.jobs.create(job_yaml, idempotency_key="run-42")
        for event in api.jobs.watch(namespace="default", resource_version=job["metadata"]["resourceVersion"]):
            ...

``AsyncClient`` is the same API with ``await``/``async for``. Failures are raised as the
``basalt.errors`` error the server refused with (NotFound, Invalid with every cause, Conflict...).
"""

from basalt.client.aio import AsyncClient
from basalt.client.objects import Page, WatchEvent
from basalt.client.sync import Client

__all__ = ["AsyncClient", "Client", "Page", "WatchEvent"]
