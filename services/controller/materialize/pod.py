"""Build one pod of a Job's task, as Volcano's ``createJobPod`` + ``pluginOnPodCreate`` do."""

from __future__ import annotations

import copy
from typing import Any

from basalt.api import kinds, labels, meta
from services.controller.materialize import jobspec, keys, naming, objects
from services.controller.materialize.plugins import registry

Obj = meta.Obj

# Job annotations Volcano copies onto every pod (the JDB pair is one-of, handled apart).
_JOB_ANNOTATIONS_COPIED = (labels.PREEMPTABLE, keys.COOLDOWN_TIME, keys.REVOCABLE_ZONE)
# Job labels Volcano copies onto every pod.
_JOB_LABELS_COPIED = (labels.PREEMPTABLE, keys.COOLDOWN_TIME)


def build_pod(job: Obj, task: Obj | str, index: int, *, forwarding: bool = False) -> Obj:
    """Pod ``<job>-<task>-<index>`` from the task template, labelled and annotated as Volcano does.

    ``forwarding`` marks pods of a job whose queue forwards to other clusters (Volcano's
    ``extendClusters``). The job's plugins (``env``, ``svc``, ...) then edit the pod.
    """
    task_spec = _resolve_task(job, task)
    template = copy.deepcopy(task_spec.get("template") or {})
    template_meta = template.get("metadata") or {}
    pod: Obj = {
        "apiVersion": kinds.POD.api_version,
        "kind": kinds.POD.kind,
        "metadata": {
            "name": naming.pod_name(meta.name(job), jobspec.task_name(task_spec), index),
            "namespace": meta.namespace(job),
            "ownerReferences": [naming.controller_ref(job)],
            "labels": dict(template_meta.get("labels") or {}),
            "annotations": dict(template_meta.get("annotations") or {}),
        },
        "spec": template.get("spec") or {},
        "status": {"phase": "Pending"},
    }
    _default_scheduling(pod["spec"], job)
    _annotate(pod["metadata"]["annotations"], job, task_spec, index)
    _label(pod["metadata"]["labels"], job, task_spec, index)
    if forwarding:
        pod["metadata"]["annotations"][keys.JOB_FORWARDING] = "true"
        pod["metadata"]["labels"][keys.JOB_FORWARDING] = "true"
    registry.on_pod_create(pod, job)
    return pod


def _resolve_task(job: Obj, task: Obj | str) -> Obj:
    if not isinstance(task, str):
        return task
    found = jobspec.find_task(job, task)
    if found is None:
        raise KeyError(f"job {meta.key(job)} has no task {task!r}")
    return found


def _default_scheduling(spec: dict[str, Any], job: Obj) -> None:
    if not spec.get("schedulerName"):
        spec["schedulerName"] = jobspec.scheduler_name(job)
    if not spec.get("priorityClassName") and jobspec.priority_class_name(job):
        spec["priorityClassName"] = jobspec.priority_class_name(job)


def _annotate(annotations: dict[str, str], job: Obj, task: Obj, index: int) -> None:
    annotations[labels.TASK_INDEX] = str(index)
    annotations[labels.TASK_SPEC] = jobspec.task_key(task)
    annotations[labels.GROUP_NAME] = naming.podgroup_name(job)
    annotations[labels.JOB_NAME] = meta.name(job)
    annotations[labels.QUEUE_NAME] = jobspec.queue(job)
    annotations[labels.JOB_VERSION] = str(jobspec.version(job))
    annotations[labels.POD_TEMPLATE_KEY] = f"{meta.name(job)}-{jobspec.task_name(task)}"
    annotations[keys.JOB_RETRY_COUNT] = str(jobspec.retry_count(job))
    if task.get("topologyPolicy"):
        annotations[keys.NUMA_POLICY] = str(task["topologyPolicy"])
    job_annotations = objects.annotations_of(job)
    _copy(job_annotations, annotations, _JOB_ANNOTATIONS_COPIED)
    if keys.JDB_MIN_AVAILABLE in job_annotations:
        annotations[keys.JDB_MIN_AVAILABLE] = job_annotations[keys.JDB_MIN_AVAILABLE]
    elif keys.JDB_MAX_UNAVAILABLE in job_annotations:
        annotations[keys.JDB_MAX_UNAVAILABLE] = job_annotations[keys.JDB_MAX_UNAVAILABLE]


def _label(pod_labels: dict[str, str], job: Obj, task: Obj, index: int) -> None:
    pod_labels[labels.TASK_INDEX] = str(index)
    pod_labels[labels.JOB_NAME] = meta.name(job)
    pod_labels[labels.TASK_SPEC] = jobspec.task_key(task)
    pod_labels[labels.JOB_NAMESPACE] = meta.namespace(job)
    pod_labels[labels.QUEUE_NAME] = jobspec.queue(job)
    _copy(meta.labels(job), pod_labels, _JOB_LABELS_COPIED)
    partition = task.get("partitionPolicy")
    if partition is not None:
        size = int(partition.get("partitionSize") or 0)
        pod_labels[keys.TASK_PARTITION_ID] = str(index // size if size > 0 else 0)


def _copy(source: dict[str, str], target: dict[str, str], names: tuple[str, ...]) -> None:
    for name in names:
        if name in source:
            target[name] = source[name]
