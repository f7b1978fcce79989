"""The admission entry point: default, then validate, one Job, Queue or PodGroup.

Pure: everything it needs from the store comes through the :class:`AdmissionContext`. Defaults
are applied to a copy; every field error of the object is returned at once, and a refused
object is never returned (``obj`` is None), so nothing half-defaulted can be stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.admission.mutators import job as job_mutator
from services.admission.mutators import podgroup as podgroup_mutator
from services.admission.mutators import queue as queue_mutator
from services.admission.validators import causes, context, job, job_update, podgroup, queue

Cause = causes.Cause
AdmissionContext = context.AdmissionContext
Options = context.Options
Obj = dict[str, Any]

CREATE, UPDATE, DELETE = "CREATE", "UPDATE", "DELETE"


@dataclass(frozen=True)
class ReviewResult:
    allowed: bool
    obj: Obj | None
    """The defaulted object when allowed (for DELETE, the object as given)."""
    causes: tuple[Cause, ...]

    @property
    def message(self) -> str:
        """All causes on one line, ``field: message; ...``, for a Status message."""
        return "; ".join(f"{c.field}: {c.message}" for c in self.causes)


def review(operation: str, obj: Obj | None, old: Obj | None, ctx: AdmissionContext,
           options: Options = Options()) -> ReviewResult:
    """Admit ``obj`` for ``operation`` (CREATE, UPDATE or DELETE), dispatching on its kind.

    For DELETE, ``obj`` may be None or empty and ``old`` is the object being deleted. Kinds
    other than Job, Queue and PodGroup are admitted unchanged.
    """
    subject = obj or old
    if not isinstance(subject, dict):
        return _refused([causes.required("", "an object is required")])
    handler = _HANDLERS.get(str(subject.get("kind") or ""))
    if handler is None:
        return ReviewResult(True, subject, ())
    return handler(operation, subject, old, ctx, options)


def _refused(found: list[Cause]) -> ReviewResult:
    return ReviewResult(False, None, tuple(found))


def _decide(defaulted: Obj, found: list[Cause]) -> ReviewResult:
    return _refused(found) if found else ReviewResult(True, defaulted, ())


def _unsupported(operation: str, expected: str) -> ReviewResult:
    return _refused([causes.forbidden(
        "", f"invalid operation `{operation}`, expect operation to be {expected}")])


def _review_job(operation: str, obj: Obj, old: Obj | None, ctx: AdmissionContext,
                options: Options) -> ReviewResult:
    if operation == DELETE:
        return ReviewResult(True, obj, ())  # Volcano has no Job DELETE rules
    if operation not in (CREATE, UPDATE) or (operation == UPDATE and old is None):
        return _unsupported(operation, "'CREATE' or 'UPDATE'")
    shape_causes = job.check_shape(obj)
    if shape_causes:
        return _refused(shape_causes)
    if old is None:
        defaulted = job_mutator.default(obj, options.scheduler_names[0])
        return _decide(defaulted, job.validate_create(defaulted, ctx))
    defaulted = job_mutator.schema_defaults(obj)
    return _decide(defaulted, job_update.validate_update(defaulted, old, ctx))


def _review_queue(operation: str, obj: Obj, old: Obj | None, ctx: AdmissionContext,
                  options: Options) -> ReviewResult:
    if operation == DELETE:
        name = str((obj.get("metadata") or {}).get("name") or "")
        return _decide(obj, queue.validate_delete(name, ctx, options))
    if operation not in (CREATE, UPDATE) or (operation == UPDATE and old is None):
        return _unsupported(operation, "`CREATE`, `UPDATE` or `DELETE`")
    shape_causes = queue.check_shape(obj)
    if shape_causes:
        return _refused(shape_causes)
    if operation == CREATE:
        defaulted = queue_mutator.default(obj)
        return _decide(defaulted, queue.validate(defaulted, None, ctx, options))
    defaulted = queue_mutator.schema_defaults(obj)
    return _decide(defaulted, queue.validate(defaulted, old, ctx, options))


def _review_podgroup(operation: str, obj: Obj, old: Obj | None, ctx: AdmissionContext,
                     options: Options) -> ReviewResult:
    if operation == DELETE:
        return ReviewResult(True, obj, ())
    if operation not in (CREATE, UPDATE):
        return _unsupported(operation, "`CREATE`")
    shape_causes = podgroup.check_shape(obj)
    if shape_causes:
        return _refused(shape_causes)
    defaulted = podgroup_mutator.default(obj)
    return _decide(defaulted, podgroup.validate(defaulted, ctx, creating=operation == CREATE))


_Handler = Callable[[str, Obj, "Obj | None", AdmissionContext, Options], ReviewResult]
_HANDLERS: dict[str, _Handler] = {
    "Job": _review_job,
    "Queue": _review_queue,
    "PodGroup": _review_podgroup,
}
