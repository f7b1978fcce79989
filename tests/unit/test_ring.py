"""The consistent-hash ring: balance with 100 virtual nodes, minimal movement on join and leave."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings, strategies as st

from basalt import ring

KEYS = [f"ns-{i % 37}/job-{i}" for i in range(20_000)]


def shares(r: ring.Ring) -> Counter[str | None]:
    return Counter(r.owner(k) for k in KEYS)


def test_balance_within_20_percent_with_100_vnodes() -> None:
    for n in (2, 3, 5, 8):
        r = ring.Ring([f"scheduler-{i}" for i in range(n)], vnodes=100)
        counts = shares(r)
        mean = len(KEYS) / n
        assert set(counts) == set(r.members)
        assert max(abs(c - mean) / mean for c in counts.values()) < 0.20, counts


def test_join_moves_only_keys_to_the_new_member() -> None:
    before = ring.Ring(["a", "b", "c"])
    after = ring.Ring(["a", "b", "c", "d"])
    moved = [k for k in KEYS if before.owner(k) != after.owner(k)]
    assert all(after.owner(k) == "d" for k in moved)
    assert abs(len(moved) / len(KEYS) - 0.25) < 0.08  # about 1/N of the keys


def test_leave_moves_only_the_leavers_keys() -> None:
    before = ring.Ring(["a", "b", "c"])
    after = ring.Ring(["a", "c"])
    moved = [k for k in KEYS if before.owner(k) != after.owner(k)]
    assert moved and all(before.owner(k) == "b" for k in moved)
    assert all(after.owner(k) in ("a", "c") for k in moved)


def test_empty_ring_owns_nothing() -> None:
    assert ring.Ring([]).owner("x") is None


@settings(max_examples=50, deadline=None)
@given(st.sets(st.text(min_size=1, max_size=8), min_size=1, max_size=6), st.text(max_size=20))
def test_every_instance_computes_the_same_owner(members: set[str], key: str) -> None:
    one = ring.Ring(sorted(members))
    other = ring.Ring(sorted(members, reverse=True))
    assert one.owner(key) == other.owner(key) and one.owner(key) in members
