"""The object store: get, list, create, update, delete, multi-object commit and watch."""

from __future__ import annotations

import asyncio
import builtins
import datetime
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, cast

import redis.asyncio as aioredis

from basalt import errors
from basalt.api import kinds, meta
from basalt.store import codec, keys, scripts, txn as txn_mod

Obj = dict[str, Any]
DEFAULT_STREAM_CAP = 50_000
MAX_PAGE = 2**31 - 1  # Kubernetes' limit is an int64, but Redis counts in smaller integers


@dataclass(frozen=True)
class Page:
    items: list[Obj]
    resource_version: int
    continue_token: str


@dataclass(frozen=True)
class Event:
    type: str  # ADDED, MODIFIED, DELETED (Kubernetes watch event types)
    object: Obj
    resource_version: int


@dataclass(frozen=True, slots=True)
class RawObject:
    """An object as stored: its JSON (without resourceVersion) and its resourceVersion, undecoded.

    ``key`` is ``namespace/name``, or ``name`` for a cluster-scoped kind (``meta.key``'s form)."""
    key: str
    data: bytes
    resource_version: int


@dataclass(frozen=True)
class RawPage:
    items: list[RawObject]
    resource_version: int
    continue_token: str


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A watch event with the object's JSON undecoded (``codec.decode(data, resource_version)``)."""
    type: str
    data: bytes
    resource_version: int
    origin: bytes = b""  # the committing plan's ``Txn.origin``


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """Kubernetes-shaped objects in Redis; every write is compare-and-set on resourceVersion."""

    def __init__(self, client: aioredis.Redis, *, stream_cap: int = DEFAULT_STREAM_CAP) -> None:
        self.redis = client
        self.stream_cap = stream_cap
        self._txn = client.register_script(scripts.TXN)
        self._list = client.register_script(scripts.LIST)

    async def current_rv(self) -> int:
        return int(await self.redis.get(keys.RESOURCE_VERSION) or 0)

    async def stream_heads(self, of: builtins.list[kinds.Kind]) -> builtins.list[int]:
        """The resourceVersion of the latest change of each kind (0: none retained); a watch that
        has delivered it has delivered everything committed so far."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for kind in of:
                pipe.xrevrange(keys.events(kind.plural), count=1)
            replies = await pipe.execute()
        return [int(r[0][0].split(b"-")[0]) if r else 0 for r in replies]

    async def get(self, kind: kinds.Kind, namespace: str, name: str) -> Obj | None:
        reply = await self.redis.hmget(keys.obj(kind.plural, _ns(kind, namespace), name), ["json", "rv"])
        data, rv = cast(builtins.list[bytes | None], reply)  # raw bytes replies: no decode_responses
        # The commit script writes "json" and "rv" together, so an object that exists has both.
        return None if data is None else codec.decode(data, cast(bytes, rv))

    async def must_get(self, kind: kinds.Kind, namespace: str, name: str) -> Obj:
        obj = await self.get(kind, namespace, name)
        if obj is None:
            raise errors.NotFound(_not_found(kind, name))
        return obj

    async def list(self, kind: kinds.Kind, namespace: str = "", *, limit: int = 0,
                   continue_token: str = "") -> Page:
        """One page of objects (all when limit is 0) and the resourceVersion to watch from."""
        page = await self.list_raw(kind, namespace, limit=limit, continue_token=continue_token)
        return Page([codec.decode(o.data, o.resource_version) for o in page.items], page.resource_version,
                    page.continue_token)

    async def list_raw(self, kind: kinds.Kind, namespace: str = "", *, limit: int = 0,
                       continue_token: str = "") -> RawPage:
        """``list`` without decoding: each object's stored JSON and resourceVersion."""
        low, high = _bounds(_ns(kind, namespace) if namespace else None, continue_token)
        limit = min(max(limit, 0), MAX_PAGE)
        fetch = limit + 1 if limit else 0
        raw = await self._list(keys=[keys.RESOURCE_VERSION, keys.index(kind.plural)],
                               args=[low, high, fetch, keys.obj_prefix(kind.plural)])
        rows = [RawObject(_member_key(raw[i]), raw[i + 1], int(raw[i + 2])) for i in range(1, len(raw), 3)]
        token = ""
        if limit and len(rows) > limit:
            del rows[limit:]
            token = _member(rows[-1].key)
        return RawPage(rows, int(raw[0]), token)

    async def list_pages_raw(self, kind: kinds.Kind, namespace: str = "", *,
                             page_size: int = 1000) -> AsyncIterator[RawPage]:
        """Every object of ``kind``, ``page_size`` per Lua call, so no single call holds Redis for
        long or builds one huge reply.

        The pages are read at different moments: each page is as of its own resourceVersion. A
        consumer that watches from the FIRST page's resourceVersion sees every change made while
        it paged (replayed over what a later page may already show, so it must ignore events
        older than the object it holds, and apply deletions, which a newer page re-creates)."""
        token = ""
        while True:
            page = await self.list_raw(kind, namespace, limit=max(page_size, 1), continue_token=token)
            yield page
            if not page.continue_token:
                return
            token = page.continue_token

    async def list_all(self, kind: kinds.Kind, namespace: str = "") -> builtins.list[Obj]:
        return (await self.list(kind, namespace)).items

    async def create(self, kind: kinds.Kind, obj: Obj) -> Obj:
        """Store a new object, filling uid and creationTimestamp; AlreadyExists if the name is taken."""
        obj = prepare_new(kind, obj)
        t = txn_mod.Txn()
        t.put(kind, obj, expect=txn_mod.MUST_NOT_EXIST)
        await self.commit(t)
        return obj

    async def update(self, kind: kinds.Kind, obj: Obj, *, old: Obj | None = None) -> Obj:
        """Replace the object if it still has the resourceVersion it carries; Conflict if not."""
        expect = meta.resource_version(obj)
        if expect <= 0:
            raise errors.BadRequest("metadata.resourceVersion: Required value: must be set for an update")
        t = txn_mod.Txn()
        t.put(kind, obj, expect=expect, old=old)
        await self.commit(t)
        return obj

    async def delete(self, kind: kinds.Kind, obj: Obj, *, expect: int = txn_mod.ANY_VERSION) -> None:
        t = txn_mod.Txn()
        t.delete(kind, obj, expect=expect)
        await self.commit(t)

    async def commit(self, t: txn_mod.Txn) -> builtins.list[int]:
        """Apply the plan atomically. Sets the new resourceVersion on every written object."""
        result = await self._txn(keys=t.keys, args=t.args(self.stream_cap))
        if int(result[0]) != 1:
            raise _refusal(t, result)
        rvs = [int(v) for v in result[1:]]
        for obj, rv in zip(t.objects, rvs):
            if obj is not None:
                meta.metadata(obj)["resourceVersion"] = str(rv)
        return rvs

    async def commit_many(self, plans: builtins.list[txn_mod.Txn]) -> builtins.list[errors.BasaltError | None]:
        """Apply each plan atomically on its own, all sent in one round trip (a pipeline, not a
        transaction: one plan's refusal leaves the others applied). Returns None for each applied
        plan (its objects carry their new resourceVersion) or the refusal it got."""
        if not plans:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for t in plans:
                await self._txn(keys=t.keys, args=t.args(self.stream_cap), client=pipe)
            replies = await pipe.execute()
        out: builtins.list[errors.BasaltError | None] = []
        for t, result in zip(plans, replies):
            if int(result[0]) != 1:
                out.append(_refusal(t, result))
                continue
            for obj, rv in zip(t.objects, result[1:]):
                if obj is not None:
                    meta.metadata(obj)["resourceVersion"] = str(int(rv))
            out.append(None)
        return out

    async def watch(self, kind: kinds.Kind, since: int, *, block_ms: int = 1000, stop_when_idle: bool = False,
                    stop: asyncio.Event | None = None) -> AsyncIterator[Event]:
        """Every change of ``kind`` after resourceVersion ``since``, in order; Gone if trimmed.
        Ends once ``stop`` is set (seen within ``block_ms`` even when nothing changes)."""
        async for raw in self.watch_raw(kind, since, block_ms=block_ms, stop_when_idle=stop_when_idle, stop=stop):
            yield Event(raw.type, codec.decode(raw.data, raw.resource_version), raw.resource_version)

    async def watch_raw(self, kind: kinds.Kind, since: int, *, block_ms: int = 1000, stop_when_idle: bool = False,
                        stop: asyncio.Event | None = None) -> AsyncIterator[RawEvent]:
        """``watch`` without decoding: each event's JSON and resourceVersion."""
        stream = keys.events(kind.plural)
        last = since
        # ``stop`` is checked on every read, not only after events: on Python 3.11 a task
        # cancelled while redis-py's asyncio.wait_for completes a send loses the cancellation,
        # and an idle watch would then never end.
        while stop is None or not stop.is_set():
            await self._check_not_trimmed(kind, last)
            reply = await self.redis.xread({stream: f"{last}-0"}, count=1000, block=block_ms)
            await self._check_not_trimmed(kind, last)
            entries = _stream_entries(reply)
            for entry_id, fields in entries:
                last = int(entry_id.split(b"-")[0])
                kind_ = fields[b"type"]
                yield RawEvent(_EVENT_TYPES.get(kind_) or kind_.decode(), fields[b"json"], last,
                               fields.get(b"origin", b""))
            if stop_when_idle and not entries:
                return

    async def _check_not_trimmed(self, kind: kinds.Kind, since: int) -> None:
        trimmed = int(await self.redis.get(keys.trimmed(kind.plural)) or 0)
        if trimmed > since:
            raise errors.Gone(f"too old resource version: {since} ({trimmed + 1})")


def prepare_new(kind: kinds.Kind, obj: Obj) -> Obj:
    """Fill apiVersion, kind, uid and creationTimestamp as the Kubernetes API server does."""
    obj = {**obj, "apiVersion": obj.get("apiVersion") or kind.api_version, "kind": kind.kind}
    md = dict(obj.get("metadata") or {})
    md.setdefault("uid", str(uuid.uuid4()))
    md.setdefault("creationTimestamp", now_iso())
    md.pop("resourceVersion", None)
    if not kind.namespaced:
        md.pop("namespace", None)
    obj["metadata"] = md
    return obj


def _ns(kind: kinds.Kind, namespace: str) -> str:
    return namespace if kind.namespaced else ""


def _member_key(member: bytes) -> str:
    """``meta.key`` of an index member: ``ns/name``, or ``name`` for ``/name`` (cluster-scoped)."""
    text = member.decode()
    return text[1:] if text.startswith("/") else text


def _member(key: str) -> str:
    return key if "/" in key else f"/{key}"


_EVENT_TYPES = {b"ADDED": "ADDED", b"MODIFIED": "MODIFIED", b"DELETED": "DELETED"}


def _bounds(namespace: str | None, continue_token: str) -> tuple[str, str]:
    low = f"[{namespace}/" if namespace is not None else "-"
    high = f"({namespace}0" if namespace is not None else "+"  # '0' sorts right after '/'
    if continue_token:
        low = f"({continue_token}"
    return low, high


def _resource(kind: kinds.Kind) -> str:
    """``jobs.batch.volcano.sh``, or ``pods`` for the core group, as Kubernetes names resources."""
    return f"{kind.plural}.{kind.group}" if kind.group else kind.plural


def _not_found(kind: kinds.Kind, name: str) -> str:
    return f'{_resource(kind)} "{name}" not found'


def _refusal(t: txn_mod.Txn, result: list[Any]) -> errors.BasaltError:
    reason = result[1].decode()
    index = int(result[2]) - 1
    if reason == "insufficient":
        lim, which = t.limits[index], int(result[3]) - 1
        node_key = t.keys[lim["cap"] - 1]
        return errors.Insufficient(f"insufficient {lim['res'][which]} on {node_key.rsplit(':', 1)[-1]}: "
                                   f"{int(result[4])} free, {lim['add'][which]} requested")
    kind, name = t.put_kinds[index], str(t.puts[index]["m"]).split("/", 1)[1]
    if reason == "exists":
        return errors.AlreadyExists(f'{_resource(kind)} "{name}" already exists')
    if reason == "notfound":
        return errors.NotFound(_not_found(kind, name))
    return errors.Conflict(f'Operation cannot be fulfilled on {_resource(kind)} "{name}": the object has been '
                           f"modified; please apply your changes to the latest version and try again")


# One stream's entries from a RESP2 XREAD reply ``[[stream, [(id, {field: value}), ...]]]``; the
# store's clients keep raw bytes replies (no decode_responses), which redis-py's types cannot express.
_StreamEntries = list[tuple[bytes, dict[bytes, bytes]]]


def _stream_entries(reply: object) -> _StreamEntries:
    streams = cast(list[tuple[bytes, _StreamEntries]], reply)  # each [stream, entries] pair
    return streams[0][1] if streams else []
