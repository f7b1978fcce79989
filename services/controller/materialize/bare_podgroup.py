"""The PodGroup Volcano's podgroup controller gives a pod created without a Job.

A pod for the volcano scheduler that names no group gets ``podgroup-<owner uid>`` (its controller's
uid, else its own), one member, the pod's requests as ``minResources``, the queue from its
``scheduling.volcano.sh/queue-name`` annotation, and a few scheduling annotations copied.
"""

from __future__ import annotations

from basalt.api import kinds, labels, meta, resources
from services.controller.materialize import keys, objects

Obj = meta.Obj

PREFIX = "podgroup-"
QUEUE_ANNOTATION = "scheduling.volcano.sh/queue-name"
SCHEDULER_NAMES = frozenset({"volcano"})
_COPIED = (labels.PREEMPTABLE, keys.COOLDOWN_TIME, keys.REVOCABLE_ZONE)


def needs_podgroup(pod: Obj, scheduler_names: frozenset[str] = SCHEDULER_NAMES) -> bool:
    """A live pod for one of ``scheduler_names`` that names no PodGroup."""
    if (pod.get("spec") or {}).get("schedulerName") not in scheduler_names:
        return False
    if objects.is_terminating(pod) or objects.phase_of(pod) in ("Succeeded", "Failed"):
        return False
    return not objects.annotations_of(pod).get(labels.GROUP_NAME)


def podgroup_name(pod: Obj) -> str:
    """``helpers.GeneratePodgroupName``."""
    ref = meta.controller_ref(pod)
    return PREFIX + (str(ref.get("uid") or "") if ref else meta.uid(pod))


def build(pod: Obj) -> Obj:
    ref = meta.controller_ref(pod)
    owner = dict(ref) if ref else {"apiVersion": kinds.POD.api_version, "kind": kinds.POD.kind, "name": meta.name(pod),
                                   "uid": meta.uid(pod), "controller": True}
    pod_annotations = objects.annotations_of(pod)
    annotations = {k: pod_annotations[k] for k in _COPIED if k in pod_annotations}
    spec = {"minMember": 1, "minResources": resources.to_quantities(resources.pod_requests(pod)),
            "queue": pod_annotations.get(QUEUE_ANNOTATION) or "default"}
    priority = (pod.get("spec") or {}).get("priorityClassName")
    if priority:
        spec["priorityClassName"] = priority
    return {
        "apiVersion": kinds.PODGROUP.api_version,
        "kind": kinds.PODGROUP.kind,
        "metadata": {"name": podgroup_name(pod), "namespace": meta.namespace(pod), "ownerReferences": [owner],
                     "annotations": annotations, "labels": {}},
        "spec": spec,
        "status": {"phase": "Pending"},
    }


def annotated(pod: Obj, group_name: str) -> Obj:
    """The pod naming its group (``updatePodAnnotations``)."""
    return {**pod, "metadata": {**meta.metadata(pod),
                                "annotations": {**objects.annotations_of(pod), labels.GROUP_NAME: group_name}}}
