from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from basalt.api import quantity, resources


@pytest.mark.parametrize("text, milli", [
    ("500m", 500), ("1", 1000), ("0.5", 500), ("2Gi", 2 * 2**30 * 1000), ("1Ki", 1_024_000),
    ("1e3", 1_000_000), ("1E-3", 1), ("1.5k", 1_500_000), ("100M", 10**11), ("1n", 1), ("+2", 2000),
    (".5", 500), (3, 3000), (0.25, 250),
])
def test_parses_kubernetes_quantities_exactly(text: str | int | float, milli: int) -> None:
    assert quantity.to_milli(text) == milli


def test_exact_fraction_no_float_rounding() -> None:
    assert quantity.parse("0.1") * 3 == Fraction(3, 10)
    assert quantity.parse("1.1Gi") == Fraction(11, 10) * 2**30


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "5 Gi", "1GiB", "--1", True, None, float("inf")])
def test_rejects_non_quantities(bad: object) -> None:
    with pytest.raises(quantity.QuantityError):
        quantity.parse(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=2**40))
def test_memory_round_trips_through_format(n: int) -> None:
    milli = n * 1000
    assert quantity.to_milli(quantity.format_milli("memory", milli)) == milli


def test_pod_requests_sum_containers_and_take_init_max() -> None:
    pod = {"spec": {
        "initContainers": [{"resources": {"requests": {"cpu": "3"}}}],
        "containers": [{"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
                       {"resources": {"limits": {"cpu": "500m", "nvidia.com/gpu": "1"}}}],
    }}
    assert resources.pod_requests(pod) == {"cpu": 3000, "memory": 2**30 * 1000, "nvidia.com/gpu": 1000}


def test_fit_and_insufficient_name_the_resource() -> None:
    free = {"cpu": 2000, "memory": 1000}
    assert resources.fits({"cpu": 2000}, free)
    assert not resources.fits({"nvidia.com/gpu": 1000}, free)
    assert resources.insufficient({"cpu": 3000, "nvidia.com/gpu": 1000, "memory": 10}, free) == ["cpu", "nvidia.com/gpu"]


def test_schedulable_drops_quota_keys_like_volcano() -> None:
    min_resources = {"count/pods": 4000, "cpu": 4000, "memory": 1, "pods": 4000, "requests.cpu": 4000,
                     "limits.memory": 1, "nvidia.com/gpu": 2000, "requests.nvidia.com/gpu": 2000,
                     "hugepages-2Mi": 5, "ephemeral-storage": 7}
    assert resources.schedulable(min_resources) == {"cpu": 4000, "memory": 1, "nvidia.com/gpu": 2000,
                                                    "hugepages-2Mi": 5, "ephemeral-storage": 7}


def test_booleans_are_refused_even_after_equal_numbers_were_cached() -> None:
    assert quantity.to_milli(1) == 1000
    with pytest.raises(quantity.QuantityError):
        quantity.to_milli(True)
