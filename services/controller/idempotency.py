"""Idempotent creates: a retried create with the same key returns what the first one made.

The key is claimed (Redis SET NX, with a TTL) for the object's name before creating, and released
when the create is refused, so a corrected retry may use the same key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import extras, objects

Obj = meta.Obj
Create = Callable[[Obj], Awaitable[Obj]]
Gone = Callable[[Obj, str], Obj]
"""What to answer when the first object no longer exists: (request object, its first name)."""


async def create_once(store: objects.Store, side: extras.Extras, kind: kinds.Kind, obj: Obj, key: str,
                      create: Create, *, gone: Gone | None = None) -> Obj:
    if not key:
        return await create(obj)
    scope = f"{kind.plural}/{meta.namespace(obj)}"
    earlier = await side.claim_idempotency(scope, key, meta.name(obj))
    if earlier is not None:
        found = await store.get(kind, meta.namespace(obj), earlier)
        if found is not None:
            return found
        if gone is not None:
            return gone(obj, earlier)
        raise errors.Conflict(f"idempotency key {key!r} was used for {kind.kind} {earlier!r}, which is being created "
                              f"or no longer exists")
    try:
        return await create(obj)
    except errors.BasaltError:
        await side.release_idempotency(scope, key)
        raise
