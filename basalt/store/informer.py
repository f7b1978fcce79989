"""List + watch into a local cache, like client-go's informers.

The cache is read by reconcilers (cheap, possibly a moment stale); writes always go to the store
with compare-and-set, so a stale read costs a retry, never a lost update. A trimmed stream ("too
old") or a lost Redis connection leads to a fresh list, after which every object is re-announced.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import objects

Obj = dict[str, Any]
Handler = Callable[[str, Obj, Obj | None], None]  # (event type, object, previous object)
log = logging.getLogger("basalt.informer")


class Informer:
    def __init__(self, store: objects.Store, kind: kinds.Kind, handler: Handler | None = None) -> None:
        self.store = store
        self.kind = kind
        self.handlers: list[Handler] = [handler] if handler else []
        self.cache: dict[str, Obj] = {}
        self.synced = asyncio.Event()
        self.resource_version = 0

    def get(self, namespace: str, name: str) -> Obj | None:
        return self.cache.get(f"{namespace}/{name}" if self.kind.namespaced else name)

    def items(self) -> list[Obj]:
        return list(self.cache.values())

    async def run(self, stop: asyncio.Event) -> None:
        await relist_forever(self.kind, self._list_then_watch, stop)

    async def _list_then_watch(self, stop: asyncio.Event) -> None:
        page = await self.store.list(self.kind)
        fresh = {meta.key(o): o for o in page.items}
        gone = [o for k, o in self.cache.items() if k not in fresh]
        self.cache = fresh
        self.resource_version = page.resource_version
        for obj in gone:
            self._emit("DELETED", obj, obj)
        for obj in page.items:
            self._emit("SYNC", obj, None)
        self.synced.set()
        async for event in self.store.watch(self.kind, page.resource_version, block_ms=500, stop=stop):
            self._apply(event)

    def _apply(self, event: objects.Event) -> None:
        key = meta.key(event.object)
        old = self.cache.get(key)
        if event.type == "DELETED":
            self.cache.pop(key, None)
        else:
            self.cache[key] = event.object
        self.resource_version = event.resource_version
        self._emit(event.type, event.object, old)

    def _emit(self, kind: str, obj: Obj, old: Obj | None) -> None:
        for handler in self.handlers:
            handler(kind, obj, old)


async def relist_forever(kind: kinds.Kind, list_then_watch: Callable[[asyncio.Event], Awaitable[None]],
                         stop: asyncio.Event) -> None:
    """Run a list-then-watch until ``stop``: a trimmed stream relists at once, a lost Redis
    connection after a backoff (0.1 s doubling to 2 s). Shared by every list+watch consumer."""
    backoff = 0.1
    while not stop.is_set():
        try:
            await list_then_watch(stop)
        except errors.Gone:
            log.info("%s watch too old; relisting", kind.plural)
        except (RedisError, OSError) as exc:
            log.warning("%s watch lost (%s); relisting in %.1fs", kind.plural, exc, backoff)
            await asyncio.sleep(backoff)  # backoff before reconnecting, not synchronisation
            backoff = min(backoff * 2, 2.0)
