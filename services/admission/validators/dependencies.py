"""``tasks[*].dependsOn``: the tasks must form a directed acyclic graph (Volcano's ``topoSort``).

Volcano folds a dependency on a missing task into the same "not a DAG" refusal; Basalt keeps
that message but reports the missing name at its own path, as not found.
"""

from __future__ import annotations

from typing import Any

from services.admission.validators import causes, shape

NOT_A_DAG = "job has dependencies between tasks, but doesn't form a directed acyclic graph(DAG)"


def depends_on(task: dict[str, Any]) -> list[str]:
    return [str(n) for n in shape.as_list(shape.as_dict(task.get("dependsOn")).get("name"))]


def validate(tasks: list[dict[str, Any]]) -> causes.Causes:
    known = {str(t.get("name") or "") for t in tasks}
    out: causes.Causes = []
    for index, task in enumerate(tasks):
        for position, name in enumerate(depends_on(task)):
            if name not in known:
                field = f"spec.tasks[{index}].dependsOn.name[{position}]"
                out.append(causes.not_found(field, NOT_A_DAG))
    cyclic = _first_unsorted(tasks, known)
    if cyclic is not None:
        out.append(causes.invalid(f"spec.tasks[{cyclic}].dependsOn", NOT_A_DAG))
    return out


def _first_unsorted(tasks: list[dict[str, Any]], known: set[str]) -> int | None:
    """Index of the first task Kahn's algorithm cannot order (it is on or after a cycle)."""
    waiting = {str(t.get("name") or ""): {d for d in depends_on(t) if d in known} for t in tasks}
    ready = [name for name, deps in waiting.items() if not deps]
    done: set[str] = set()
    while ready:
        name = ready.pop()
        done.add(name)
        for other, deps in waiting.items():
            if name in deps:
                deps.discard(name)
                if not deps and other not in done:
                    ready.append(other)
    return next((i for i, t in enumerate(tasks) if str(t.get("name") or "") not in done), None)
