"""List + watch of one kind for the scheduler's cache, reading the store's JSON undecoded.

Unlike ``basalt.store.informer.Informer`` (the controller's), a Feed keeps no objects: it hands
each object's JSON to its handler, which decodes it once into its own compact form. The initial
list is paged (``Store.list_pages_raw``), so 100k pods never come back from one Lua call that
holds Redis for seconds, and only one page of JSON is held at a time. The watch starts from the
first page's resourceVersion, so every change made while paging is replayed; the handler ignores
events older than what it holds. A trimmed stream or a lost connection relists, after which keys
that are gone are announced DELETED.

A feed can be held (``hold``/``release``): events wait in Redis while the scheduler's session
computes, instead of competing with it for the interpreter; ``reach`` waits until the feed has
delivered a given resourceVersion, so a session opens on a view that includes every commit made
before it (the other instances' too).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from basalt.api import kinds
from basalt.store import informer, objects

# (event type: SYNC, ADDED, MODIFIED, DELETED; key or "" when only the JSON names it; JSON; rv;
# origin: the committer's Txn.origin, b"" when unknown)
Handler = Callable[[str, str, bytes, int, bytes], None]
Gone = Callable[[Collection[str]], None]  # keys absent from a fresh list
PAGE_SIZE = 2000


class Feed:
    def __init__(self, store: objects.Store, kind: kinds.Kind, handler: Handler, gone: Gone,
                 page_size: int = PAGE_SIZE) -> None:
        self.store = store
        self.kind = kind
        self.handler = handler
        self.gone = gone
        self.page_size = page_size
        self.synced = asyncio.Event()
        self.resource_version = 0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._target = 0  # a resourceVersion ``reach`` waits for; 0: none
        self._reached = asyncio.Event()
        self._ended = False

    def hold(self) -> None:
        self._flowing.clear()

    def release(self) -> None:
        self._flowing.set()

    async def reach(self, resource_version: int) -> None:
        """Until this feed has delivered ``resource_version`` (or a relist moved past it), or
        has stopped."""
        while self.resource_version < resource_version and not self._ended:
            self._target = resource_version
            self._reached.clear()
            await self._reached.wait()

    def _advance(self, resource_version: int) -> None:
        self.resource_version = resource_version
        if self._target and resource_version >= self._target:
            self._target = 0
            self._reached.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await informer.relist_forever(self.kind, self._list_then_watch, stop)
        finally:
            self._ended = True
            self._reached.set()  # nothing more will come: release a waiting ``reach``

    async def list(self) -> tuple[set[str], int]:
        """Every object through the handler (as SYNC); returns the keys seen and the
        resourceVersion to watch from (the first page's)."""
        seen: set[str] = set()
        since = -1
        async for page in self.store.list_pages_raw(self.kind, page_size=self.page_size):
            since = page.resource_version if since < 0 else since
            for item in page.items:
                seen.add(item.key)
                self.handler("SYNC", item.key, item.data, item.resource_version, b"")
            await asyncio.sleep(0)  # let leases and sessions run between pages
        return seen, max(since, 0)

    async def _list_then_watch(self, stop: asyncio.Event) -> None:
        seen, since = await self.list()
        self.gone(seen)
        self._advance(since)
        self.synced.set()
        async for event in self.store.watch_raw(self.kind, since, block_ms=500, stop=stop):
            if not self._flowing.is_set():
                await self._flowing.wait()
            self.handler(event.type, "", event.data, event.resource_version, event.origin)
            self._advance(event.resource_version)
