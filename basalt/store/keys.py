"""Every Redis key Basalt uses, named in one place. Nothing outside basalt/store builds a key."""

from __future__ import annotations

PREFIX = "basalt"

RESOURCE_VERSION = f"{PREFIX}:rv"


def obj(plural: str, namespace: str, name: str) -> str:
    """Hash holding one object: field ``json`` (without resourceVersion) and field ``rv``."""
    return obj_prefix(plural) + member(namespace, name)


def obj_prefix(plural: str) -> str:
    return f"{PREFIX}:obj:{plural}:"


def member(namespace: str, name: str) -> str:
    """The object's member in its kind's index: ``ns/name``, or ``/name`` when cluster-scoped.

    Sorted lexicographically, which gives stable ``continue`` tokens and cheap per-namespace ranges.
    """
    return f"{namespace}/{name}"


def index(plural: str) -> str:
    """Sorted set (all scores 0) of the members of one kind, for LIST."""
    return f"{PREFIX}:idx:{plural}"


def events(plural: str) -> str:
    """Stream of change events of one kind; entry ids are ``<resourceVersion>-0``."""
    return f"{PREFIX}:events:{plural}"


def trimmed(plural: str) -> str:
    """Highest resourceVersion trimmed from the kind's stream: watches from below it are too old."""
    return f"{PREFIX}:trimmed:{plural}"


def node_used(node: str) -> str:
    """Hash resource -> milli-units held by the pods bound to the node."""
    return f"{PREFIX}:acct:node-used:{node}"


def node_allocatable(node: str) -> str:
    """Hash resource -> milli-units the node offers (set when its agent registers it)."""
    return f"{PREFIX}:acct:node-alloc:{node}"


def queue_used(queue: str) -> str:
    """Hash resource -> milli-units allocated to the queue's running pods."""
    return f"{PREFIX}:acct:queue-used:{queue}"


def queue_capability(queue: str) -> str:
    """Hash resource -> milli-units the queue may hold at most (its spec.capability); absent: no limit."""
    return f"{PREFIX}:acct:queue-cap:{queue}"


def pod_log(namespace: str, name: str, uid: str) -> str:
    """String of a pod's captured output (capped), keyed by uid so a re-created pod starts empty."""
    return f"{PREFIX}:log:{namespace}/{name}/{uid}"


def idempotency(scope: str, key: str) -> str:
    """The first result of a create sent with an idempotency key."""
    return f"{PREFIX}:idem:{scope}:{key}"


def lease_values(group: str) -> str:
    """Hash: each member of ``group`` (scheduler, controller, node) -> its lease value."""
    return f"{PREFIX}:leases:{group}"


def lease_expiry(group: str) -> str:
    """Sorted set: each member of ``group`` scored by when its lease runs out (Redis time, ms).
    Reading the live ones is one range query, not a scan of the whole keyspace per session."""
    return f"{PREFIX}:lease-expiry:{group}"
