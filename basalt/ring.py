"""A consistent-hash ring with virtual nodes: which live instance owns a key.

Each member is placed at ``vnodes`` points on a 64-bit circle; a key belongs to the first member
point at or after the key's hash. When a member joins or leaves, only the keys between its points
and their predecessors move, about 1/N of them. Pure and deterministic: every instance that sees
the same live set computes the same owner for every key, with no coordination.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable

DEFAULT_VNODES = 100


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class Ring:
    def __init__(self, members: Iterable[str], vnodes: int = DEFAULT_VNODES) -> None:
        self.members = tuple(sorted(set(members)))
        self.vnodes = vnodes
        points = sorted((_hash(f"{m}#{i}"), m) for m in self.members for i in range(vnodes))
        self._hashes = [h for h, _ in points]
        self._owners = [m for _, m in points]

    def owner(self, key: str) -> str | None:
        if not self._hashes:
            return None
        index = bisect.bisect_left(self._hashes, _hash(key))
        return self._owners[index % len(self._owners)]

    def owns(self, member: str, key: str) -> bool:
        return self.owner(key) == member

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ring) and (self.members, self.vnodes) == (other.members, other.vnodes)

    def __hash__(self) -> int:
        return hash((self.members, self.vnodes))
