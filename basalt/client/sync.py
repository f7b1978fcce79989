"""``Client``: the AsyncClient's API without ``await``, for scripts and notebooks.

The async client lives on an event loop in a private thread, so a ``Client`` works whether or not
the caller's thread already runs a loop. Each handle (``jobs``, ``queues``...) is a proxy whose
methods block for the result; ``watch`` returns a plain iterator.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, TypeVar

from basalt.client import aio

T = TypeVar("T")


class Client:
    def __init__(self, target: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="basalt-client", daemon=True)
        self.thread.start()
        self.client: aio.AsyncClient = self.run(_make(target))
        self.jobs = Handle(self, self.client.jobs)
        self.queues = Handle(self, self.client.queues)
        self.pods = Handle(self, self.client.pods)
        self.podgroups = Handle(self, self.client.podgroups)
        self.commands = Handle(self, self.client.commands)
        self.cluster = Handle(self, self.client.cluster)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        """A blocking iterator over an async one; leaving early closes the async one (and its stream)."""
        try:
            while True:
                try:
                    yield self.run(anext(iterator))  # type: ignore[arg-type]
                except StopAsyncIteration:
                    return
        finally:
            closer = getattr(iterator, "aclose", None)
            if closer is not None and self.loop.is_running():
                self.run(closer())

    def close(self) -> None:
        if not self.loop.is_running():
            return
        self.run(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


async def _make(target: str) -> aio.AsyncClient:
    return aio.AsyncClient(target)  # the channel must be made on the loop that will use it


class Handle:
    """The blocking face of one async handle: coroutine methods return their result, async
    generators (``watch``) become iterators, anything else passes through."""

    def __init__(self, client: Client, target: Any) -> None:
        self._client = client
        self._target = target

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._target, name)
        if inspect.isasyncgenfunction(found):
            return lambda *a, **k: self._client.iterate(found(*a, **k))
        if inspect.iscoroutinefunction(found):
            return _blocking(self._client, found)
        return found


def _blocking(client: Client, method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return client.run(method(*args, **kwargs))

    call.__doc__ = method.__doc__
    return call


