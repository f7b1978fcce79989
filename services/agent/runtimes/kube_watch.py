"""List, then watch, the pods of one namespace with a label selector, for as long as it runs.

A watch that ends (the server's timeout) or breaks (a network drop) resumes from the last
resourceVersion seen, so no change is missed and none repeated. When the server answers that this
version is too old (410: the history was compacted) the pods are listed again, and the listing
says which pods vanished meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from kubernetes_asyncio import client, watch

from basalt.api import meta
from services.agent import backoff
from services.agent.runtimes import kube_client

log = logging.getLogger("basalt.agent.kubernetes")

# The server ends each watch after this long (Kubernetes' clients pick 5-10 minutes), and a
# connection silent for longer than that plus a margin is taken for dead.
WATCH_SECONDS = 300
SILENCE_MARGIN = 30

# Called with each event's type (ADDED, MODIFIED, DELETED) and object.
OnEvent = Callable[[str, meta.Obj], None]
# Called with every pod of a fresh listing and the loop time at which the listing was asked for.
OnListed = Callable[[list[meta.Obj], float], None]


class PodWatch:
    def __init__(self, core: client.CoreV1Api, namespace: str, selector: str, on_event: OnEvent,
                 on_listed: OnListed, watch_seconds: int = WATCH_SECONDS) -> None:
        self.core = core
        self.namespace = namespace
        self.selector = selector
        self.on_event = on_event
        self.on_listed = on_listed
        self.watch_seconds = watch_seconds
        self.resource_version = ""  # "" until listed; cleared again on 410
        self.lists = 0  # listings made, for tests and logs
        self.watches = 0  # watch requests made

    async def run(self) -> None:
        """Forever: list when needed, watch from the last version, back off on errors."""
        delays = backoff.Backoff()
        while True:
            try:
                if not self.resource_version:
                    await self.list()
                await self.watch_once()
                delays.reset()
                continue
            except kube_client.ApiException as exc:
                if exc.status == kube_client.GONE:
                    log.info("pod watch in %s: version %s is too old; listing again", self.namespace,
                             self.resource_version)
                    self.resource_version = ""
                    continue
                log.warning("pod watch in %s failed: %s %s", self.namespace, exc.status, exc.reason)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                log.info("pod watch in %s broke (%s); resuming from %s", self.namespace, exc or type(exc).__name__,
                         self.resource_version)
            except Exception:  # noqa: BLE001 - the runtime is blind without its watch: never let it die
                log.exception("pod watch in %s failed; listing again", self.namespace)
                self.resource_version = ""
            await delays.wait()

    async def list(self) -> None:
        asked = asyncio.get_running_loop().time()
        listing = await kube_client.json_of(self.core.list_namespaced_pod(
            self.namespace, label_selector=self.selector, _preload_content=False))
        self.lists += 1
        self.resource_version = str((listing.get("metadata") or {}).get("resourceVersion") or "")
        self.on_listed(list(listing.get("items") or []), asked)

    async def watch_once(self) -> None:
        """One watch request, until the server ends it; raises when it breaks."""
        self.watches += 1
        # "object": events stay plain dicts; the client's models would refuse what a newer server
        # adds and cost a conversion per event.
        stream = watch.Watch(return_type="object")
        try:
            events = stream.stream(
                self.core.list_namespaced_pod, self.namespace, label_selector=self.selector,
                resource_version=self.resource_version, allow_watch_bookmarks=True,
                timeout_seconds=self.watch_seconds,
                _request_timeout=aiohttp.ClientTimeout(sock_read=self.watch_seconds + SILENCE_MARGIN))
            async for event in events:
                self._dispatch(event)
        finally:
            await stream.close()

    def _dispatch(self, event: dict[str, Any]) -> None:
        obj: meta.Obj = event["raw_object"]
        version = (obj.get("metadata") or {}).get("resourceVersion")
        if version:
            self.resource_version = str(version)
        if event["type"] != "BOOKMARK":
            self.on_event(str(event["type"]), obj)
