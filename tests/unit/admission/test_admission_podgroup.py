"""PodGroup: an Open queue on CREATE, and the CRD's bounds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.admission import admission_support as support
from services.admission import review

BOTH = ("must not specify 'highestTierAllowed' and 'highestTierName' in networkTopology "
        "simultaneously.")


def test_podgroup_in_an_open_queue_is_admitted_with_the_default_queue() -> None:
    result = review.review("CREATE", support.podgroup(queue_name=""), None, support.default_ctx())
    assert result.allowed and result.obj is not None
    assert result.obj["spec"]["queue"] == "default"


CASES = [
    pytest.param(support.podgroup(minMember=-1), None,
                 ("spec.minMember", "spec.minMember in body should be greater than or equal to 0"),
                 id="negative-min-member"),
    pytest.param(support.podgroup("nope"), None,
                 ("spec.queue", 'unable to find queue: queue.scheduling.volcano.sh "nope" not found'),
                 id="unknown-queue"),
    pytest.param(support.podgroup("shut"), support.default_ctx().with_queues(support.queue("shut").state("Closing").obj()),
                 ("spec.queue", "can only submit PodGroup to queue with state `Open`, queue `shut` "
                  "status is `Closing`."), id="closing-queue"),
    pytest.param(support.podgroup(networkTopology={"highestTierAllowed": 2, "highestTierName": "spine"}),
                 None, ("spec.networkTopology", BOTH), id="network-topology"),
    pytest.param(support.podgroup(subGroupPolicy=[{"name": "a", "networkTopology": {
        "highestTierAllowed": 2, "highestTierName": "spine"}}]), None,
                 ("spec.subGroupPolicy[0].networkTopology", f"in subGroupPolicy 'a': {BOTH}"),
                 id="subgroup-network-topology"),
    pytest.param(support.podgroup(minResources={"cpu": "-1"}), None,
                 ("spec.minResources.cpu", "must be greater than or equal to 0"),
                 id="negative-min-resources"),
]


@pytest.mark.parametrize(("obj", "ctx", "expected"), CASES)
def test_invalid_podgroup_is_refused(obj: dict[str, Any], ctx: support.Ctx | None,
                                     expected: tuple[str, str]) -> None:
    result = review.review("CREATE", obj, None, ctx or support.default_ctx())
    assert not result.allowed and result.obj is None
    assert expected in support.causes_of(result)


def test_queue_state_is_only_checked_on_create() -> None:
    ctx = support.default_ctx().with_queues(support.queue("shut").state("Closed").obj())
    result = review.review("UPDATE", support.podgroup("shut"), support.podgroup("shut"), ctx)
    assert result.allowed, result.causes


def test_podgroup_errors_come_back_together() -> None:
    result = review.review("CREATE", support.podgroup("nope", minMember=-2), None, support.default_ctx())
    assert [c.field for c in result.causes] == ["spec.minMember", "spec.queue"]
