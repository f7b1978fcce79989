"""Queues: defaults, resource ordering, state, hierarchy, and deletion."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.admission import admission_support as support
from services.admission import review
from services.admission.validators import context


def admit(obj: dict[str, Any], ctx: support.Ctx | None = None, old: dict[str, Any] | None = None,
          options: context.Options = context.Options()) -> review.ReviewResult:
    return review.review("UPDATE" if old else "CREATE", obj, old, ctx or support.default_ctx(), options)


def test_queue_defaults() -> None:
    bare = {"apiVersion": "scheduling.volcano.sh/v1beta1", "kind": "Queue",
            "metadata": {"name": "q", "annotations": {"volcano.sh/hierarchy": "eng/ml",
                                                      "volcano.sh/hierarchy-weights": "2/3"}},
            "spec": {"weight": 0}}
    result = admit(bare)
    assert result.allowed, result.causes
    assert result.obj is not None
    assert result.obj["spec"] == {"weight": 1, "reclaimable": True}
    assert result.obj["status"] == {"state": "Open"}
    assert result.obj["metadata"]["annotations"] == {"volcano.sh/hierarchy": "root/eng/ml",
                                                     "volcano.sh/hierarchy-weights": "1/2/3"}
    assert bare["spec"] == {"weight": 0}


def test_defaults_keep_what_the_user_set() -> None:
    obj = support.queue("q").spec(weight=4, reclaimable=False).state("Closed").obj()
    result = admit(obj)
    assert result.obj is not None
    assert (result.obj["spec"]["weight"], result.obj["spec"]["reclaimable"],
            result.obj["status"]["state"]) == (4, False, "Closed")


def _tree() -> support.Ctx:
    return support.default_ctx().with_queues(
        support.queue("eng").capability(cpu=8).deserved(cpu=10).guarantee(cpu=4).obj(),
        support.queue("ml").parent("eng").capability(cpu=4).deserved(cpu=3).guarantee(cpu=3).obj(),
    )


def _chain(depth: int) -> support.Ctx:
    ctx = support.default_ctx().with_queues(support.queue("q1").obj())
    for level in range(2, depth + 1):
        ctx.with_queues(support.queue(f"q{level}").parent(f"q{level - 1}").obj())
    return ctx


CASES = [
    pytest.param(support.queue("q").spec(weight=70000).obj(), None,
                 ("spec.weight", "spec.weight in body should be less than or equal to 65535"),
                 id="weight-too-large"),
    pytest.param(support.queue("q").spec(weight=-3).obj(), None,
                 ("spec.weight", "spec.weight in body should be greater than or equal to 1"),
                 id="negative-weight"),
    pytest.param(support.queue("q").capability(cpu="-1").obj(), None,
                 ("spec.capability.cpu", "must be greater than or equal to 0"), id="negative-capability"),
    pytest.param(support.queue("q").capability(nvidia_com__gpu="0.5").obj(), None,
                 ("spec.capability.nvidia.com/gpu", "must be an integer"), id="fractional-gpu"),
    pytest.param(support.queue("q").guarantee(cpu=2).obj(), None,
                 ("spec.deserved.cpu", "deserved[cpu] must be >= guarantee[cpu]=2"),
                 id="guarantee-without-deserved"),
    pytest.param(support.queue("q").guarantee(cpu=2).deserved(cpu=1).obj(), None,
                 ("spec.deserved.cpu", "deserved[cpu]=1 must be >= guarantee[cpu]=2"),
                 id="deserved-below-guarantee"),
    pytest.param(support.queue("q").deserved(memory="4Gi").capability(memory="2Gi").obj(), None,
                 ("spec.deserved.memory", "deserved[memory]=4Gi must be <= capability[memory]=2Gi"),
                 id="deserved-over-capability"),
    pytest.param(support.queue("q").guarantee(cpu=4).deserved(cpu=4).capability(cpu=2).obj(), None,
                 ("spec.deserved.cpu", "deserved[cpu]=4 must be <= capability[cpu]=2"),
                 id="guarantee-over-capability"),
    pytest.param(support.queue("q").state("Paused").obj(), None,
                 ("status.state", "queue state must be in [Open Closed]"), id="unknown-state"),
    pytest.param(support.queue("q").parent("q").obj(), None,
                 ("spec.parent", "queue q cannot use itself as parent"), id="self-parent"),
    pytest.param(support.queue("q").parent("ghost").obj(), None,
                 ("spec.parent", 'failed to get parent queue ghost of queue q: '
                  'queue.scheduling.volcano.sh "ghost" not found'), id="missing-parent"),
    pytest.param(support.queue("q6").parent("q5").obj(), _chain(5),
                 ("spec.parent", "queue q6 exceeds the maximum allowed depth of 5"), id="too-deep"),
    pytest.param(support.queue("q").parent("busy").obj(), support.default_ctx().with_queues(
        {**support.queue("busy").obj(), "status": {"state": "Open", "allocated": {"pods": "2"}}}),
                 ("spec.parent", "queue busy cannot be the parent queue of queue q because it has "
                  "allocated Pods: 2"), id="parent-with-pods"),
    pytest.param(support.queue("cv").parent("ml").capability(cpu=6).obj(), _tree(),
                 ("spec.capability.cpu", "queue cv capability[cpu]=6 exceeds its ancestor's "
                  "capability=4"), id="capability-over-ancestor"),
    pytest.param(support.queue("nlp").parent("eng").deserved(cpu=2).guarantee(cpu=2).obj(), _tree(),
                 ("spec.guarantee.resource", "parent queue eng validation failed: sum of children's "
                  "guarantee (cpu 5000.00, memory 0.00) exceeds parent's guarantee limit "
                  "(cpu 4000.00, memory 0.00)"), id="siblings-guarantee-over-parent"),
    pytest.param(support.queue("nlp").parent("eng").deserved(cpu=8).obj(), _tree(),
                 ("spec.deserved", "parent queue eng validation failed: sum of children's deserved "
                  "(cpu 11000.00, memory 0.00) exceeds parent's deserved limit "
                  "(cpu 10000.00, memory 0.00)"), id="siblings-deserved-over-parent"),
    pytest.param({**support.queue("q").obj(), "metadata": {"name": "q", "annotations": {
        "volcano.sh/hierarchy": "root/a", "volcano.sh/hierarchy-weights": "1"}}}, None,
                 ("metadata.annotations",
                  "volcano.sh/hierarchy must have the same length with volcano.sh/hierarchy-weights"),
                 id="hierarchy-length"),
    pytest.param({**support.queue("q").obj(), "metadata": {"name": "q", "annotations": {
        "volcano.sh/hierarchy": "root/a", "volcano.sh/hierarchy-weights": "1/0"}}}, None,
                 ("metadata.annotations", "0 in the 1/0 must be larger than 0"),
                 id="hierarchy-weight"),
]


@pytest.mark.parametrize(("obj", "ctx", "expected"), CASES)
def test_invalid_queue_is_refused(obj: dict[str, Any], ctx: support.Ctx | None,
                                  expected: tuple[str, str]) -> None:
    result = admit(obj, ctx)
    assert not result.allowed and result.obj is None
    assert expected in support.causes_of(result)


VALID = [
    pytest.param(support.queue("q").guarantee(cpu=1).deserved(cpu=2).capability(cpu=4).obj(), None,
                 id="ordered-resources"),
    pytest.param(support.queue("cv").parent("ml").capability(cpu=4).obj(), _tree(), id="within-ancestor"),
    pytest.param(support.queue("nlp").parent("eng").deserved(cpu=1).guarantee(cpu=1).obj(), _tree(),
                 id="siblings-fit"),
    pytest.param(support.queue("q5").parent("q4").obj(), _chain(4), id="depth-five"),
    pytest.param(support.queue("q").parent("root").obj(), None, id="under-root"),
]


@pytest.mark.parametrize(("obj", "ctx"), VALID)
def test_valid_queue_is_admitted(obj: dict[str, Any], ctx: support.Ctx | None) -> None:
    result = admit(obj, ctx)
    assert result.allowed, result.causes


def test_parent_cycle_is_refused_on_update() -> None:
    ctx = support.default_ctx().with_queues(support.queue("a").obj(), support.queue("b").parent("a").obj())
    old = ctx.queues["a"]
    result = admit(support.queue("a").parent("b").obj(), ctx, old=old)
    assert support.causes_of(result) == [("spec.parent", "queue a cannot use its descendant b as parent")]


def test_parent_capability_below_a_child_is_refused_on_update() -> None:
    ctx = _tree()
    new = support.queue("eng").capability(cpu=2).deserved(cpu=2).guarantee(cpu=1).obj()
    result = admit(new, ctx, old=ctx.queues["eng"])
    assert ("spec.capability.cpu", "queue eng capability[cpu]=2 is smaller than its descendants' "
            "max capability=4") in support.causes_of(result)


def test_root_resources_are_frozen() -> None:
    ctx = support.default_ctx()
    result = admit(support.queue("root").capability(cpu=4).obj(), ctx, old=ctx.queues["root"])
    assert support.causes_of(result) == [("spec", "root queue's resource attributes (capability, "
                                          "deserved, guarantee) cannot be modified")]
    unprotected = context.Options(enable_root_queue_protection=False)
    assert admit(support.queue("root").capability(cpu=4).obj(), ctx, ctx.queues["root"], unprotected).allowed


def test_weight_zero_is_refused_on_update_but_absent_weight_defaults() -> None:
    ctx = support.default_ctx().with_queues(support.queue("q").obj())
    assert not admit(support.queue("q").spec(weight=0).obj(), ctx, old=ctx.queues["q"]).allowed
    result = admit(support.queue("q").without("weight").obj(), ctx, old=ctx.queues["q"])
    assert result.allowed and result.obj is not None and result.obj["spec"]["weight"] == 1


def test_queue_errors_come_back_together() -> None:
    obj = support.queue("q").spec(weight=-1).deserved(cpu=4).capability(cpu=2).state("Gone").obj()
    assert [c.field for c in admit(obj).causes] == ["spec.weight", "spec.deserved.cpu", "status.state"]


def delete(name: str, ctx: support.Ctx, options: context.Options = context.Options()) -> review.ReviewResult:
    return review.review("DELETE", {}, support.queue(name).obj(), ctx, options)


@pytest.mark.parametrize("name", ["default", "root"])
def test_builtin_queues_cannot_be_deleted(name: str) -> None:
    assert support.causes_of(delete(name, support.default_ctx())) == [("metadata.name",
                                                       f"`{name}` queue can not be deleted")]


def test_a_parent_queue_cannot_be_deleted() -> None:
    ctx = _tree().with_queues(support.queue("cv").parent("eng").obj())
    assert support.causes_of(delete("eng", ctx)) == [
        ("metadata.name", "queue eng can not be deleted because it has 2 child queues: ml, cv")]


def test_a_queue_with_pods_cannot_be_deleted_when_the_check_is_on() -> None:
    busy = {**support.queue("busy").obj(), "status": {"state": "Open", "allocated": {"pods": 3}}}
    ctx = support.default_ctx().with_queues(busy)
    assert delete("busy", ctx).allowed
    checked = delete("busy", ctx, context.Options(enable_queue_allocated_pods_check=True))
    assert support.causes_of(checked) == [
        ("metadata.name", "queue busy cannot be deleted because it has allocated Pods: 3")]


def test_a_leaf_queue_can_be_deleted_and_a_missing_one_cannot() -> None:
    ctx = _tree()
    assert delete("ml", ctx).allowed
    assert support.causes_of(delete("gone", ctx)) == [
        ("metadata.name", 'queue.scheduling.volcano.sh "gone" not found')]


def test_unknown_operation_is_refused() -> None:
    result = review.review("CONNECT", support.queue("q").obj(), None, support.default_ctx())
    assert support.causes_of(result) == [("", "invalid operation `CONNECT`, expect operation to be "
                                      "`CREATE`, `UPDATE` or `DELETE`")]


def test_other_kinds_pass_through_unchanged() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    result = review.review("CREATE", pod, None, support.default_ctx())
    assert result.allowed and result.obj == pod
