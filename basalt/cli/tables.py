"""Text output laid out as vcctl prints it (pkg/cli/job/list.go and view.go), so scripts that
parse vcctl's output read Basalt's. Pure: objects in, text out."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from basalt.api import labels, meta

Obj = dict[str, Any]
# vcctl's fixed column widths after the Name column (Go "%-15s%-12s..." in PrintJobs).
COLUMNS = (("Creation", 15), ("Phase", 12), ("JobType", 12), ("Replicas", 12), ("Min", 6), ("Pending", 10),
           ("Running", 10), ("Succeeded", 12), ("Failed", 10), ("Unknown", 12), ("RetryCount", 10))
GO_ZERO_TIME = "0001-01-01 00:00:00 +0000 UTC"


def job_list(jobs: Sequence[Obj], all_namespaces: bool = False) -> str:
    """vcctl's ``job list`` table; the Name (and Namespace) column is 3 wider than its longest value."""
    name_width = max([len("Name")] + [len(meta.name(j)) for j in jobs]) + 3
    ns_width = max([len("Namespace")] + [len(meta.namespace(j)) for j in jobs]) + 3
    widths = [name_width] + [w for _, w in COLUMNS]
    lead = [("Namespace", ns_width)] if all_namespaces else []
    lines = [_row(lead + list(zip(["Name"] + [t for t, _ in COLUMNS], widths)))]
    for job in jobs:
        first = [(meta.namespace(job), ns_width)] if all_namespaces else []
        lines.append(_row(first + list(zip(job_row(job), widths))))
    return "".join(lines)


def job_row(job: Obj) -> list[str]:
    status = job.get("status") or {}
    replicas = sum(int(t.get("replicas") or 0) for t in (job.get("spec") or {}).get("tasks") or [])
    job_type = meta.labels(job).get(labels.JOB_TYPE) or "Batch"
    counts = [status.get(k) or 0 for k in ("minAvailable", "pending", "running", "succeeded", "failed",
                                           "unknown", "retryCount")]
    return [meta.name(job), creation_date(job), phase(job), job_type, str(replicas)] + [str(c) for c in counts]


def _row(cells: list[tuple[str, int]]) -> str:
    return "".join(f"{text:<{width}}" for text, width in cells) + "\n"


def phase(job: Obj) -> str:
    return str(((job.get("status") or {}).get("state") or {}).get("phase") or "")


def creation_date(job: Obj) -> str:
    """``creationTimestamp`` as Go's "2006-01-02" (the zero time when unset, as vcctl shows it)."""
    parsed = _timestamp((job.get("metadata") or {}).get("creationTimestamp"))
    return parsed.strftime("%Y-%m-%d") if parsed else "0001-01-01"


def go_time(value: Any) -> str:
    """A timestamp the way Go prints a metav1.Time: ``2006-01-02 15:04:05 +0000 UTC``."""
    parsed = _timestamp(value)
    return parsed.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000 UTC") if parsed else GO_ZERO_TIME


def _timestamp(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


class _Writer:
    """vcctl's WriteLine: two spaces of indent per level."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, level: int, text: str) -> None:
        self.lines.append("  " * level + text + "\n")

    def text(self) -> str:
        return "".join(self.lines)


def job_view(job: Obj, pods: Sequence[Obj] = ()) -> str:
    """vcctl's ``job view`` layout, followed by the job's pods (vcctl shows events there)."""
    out = _Writer()
    _header(out, job)
    _spec(out, job.get("spec") or {})
    _status(out, job.get("status") or {})
    _pods(out, pods)
    return out.text()


def _header(out: _Writer, job: Obj) -> None:
    metadata = job.get("metadata") or {}
    out.line(0, f"Name:       \t{meta.name(job)}")
    out.line(0, f"Namespace:  \t{meta.namespace(job)}")
    out.line(0, f"Labels:     \t{_go_json(meta.labels(job))}")
    # Not meta.annotations: that name clashes with `from __future__ import annotations` for mypy.
    out.line(0, f"Annotations:\t{_go_json(metadata.get('annotations') or {})}")
    out.line(0, f"API Version:\t{job.get('apiVersion', '')}")
    out.line(0, f"Kind:       \t{job.get('kind', '')}")
    out.line(0, "Metadata:")
    out.line(1, f"Creation Timestamp:\t{go_time(metadata.get('creationTimestamp'))}")
    out.line(1, f"Generate Name:     \t{metadata.get('generateName', '')}")
    out.line(1, f"Generation:        \t{metadata.get('generation', 0)}")
    out.line(1, f"Resource Version:  \t{metadata.get('resourceVersion', '')}")
    out.line(1, f"UID:               \t{metadata.get('uid', '')}")


def _spec(out: _Writer, spec: Obj) -> None:
    plugins = spec.get("plugins") or {}
    out.line(0, "Spec:")
    out.line(1, f"Min Available:     \t{spec.get('minAvailable', 0)}")
    out.line(1, "Plugins:")
    out.line(2, f"Env:\t{_go_list(plugins.get('env'))}")
    out.line(2, f"Ssh:\t{_go_list(plugins.get('ssh'))}")
    out.line(1, f"Scheduler Name:    \t{spec.get('schedulerName', '')}")
    out.line(1, "Tasks:")
    for task in spec.get("tasks") or []:
        _task(out, task)


def _task(out: _Writer, task: Obj) -> None:
    template = task.get("template") or {}
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    pod_spec = template.get("spec") or {}
    out.line(2, f"Name:\t{task.get('name', '')}")
    out.line(2, f"Replicas:\t{task.get('replicas', 0)}")
    out.line(2, "Template:")
    out.line(3, "Metadata:")
    out.line(4, "Annotations:")
    out.line(5, f"Cri . Cci . Io / Container - Type:          \t{annotations.get('cri.cci.io/container-type', '')}")
    out.line(5, f"Kubernetes . Io / Availablezone:            \t{annotations.get('kubernetes.io/availablezone', '')}")
    out.line(5, f"Network . Alpha . Kubernetes . Io / Network:\t{annotations.get('network.alpha.kubernetes.io/network', '')}")
    out.line(4, f"Creation Timestamp:\t{go_time((template.get('metadata') or {}).get('creationTimestamp'))}")
    out.line(3, "Spec:")
    out.line(4, "Containers:")
    for container in pod_spec.get("containers") or []:
        _container(out, container)
    out.line(4, "Image Pull Secrets:")
    for secret in pod_spec.get("imagePullSecrets") or []:
        out.line(5, f"Name:     \t{secret.get('name', '')}")
    out.line(4, f"Restart Policy:   \t{pod_spec.get('restartPolicy', '')}")


def _container(out: _Writer, container: Obj) -> None:
    resources = container.get("resources") or {}
    out.line(5, "Command:")
    for word in container.get("command") or []:
        out.line(6, str(word))
    out.line(5, f"Image:\t{container.get('image', '')}")
    out.line(5, f"Name: \t{container.get('name', '')}")
    out.line(5, "Ports:")
    for port in container.get("ports") or []:
        out.line(6, f"Container Port:\t{port.get('containerPort', 0)}")
        out.line(6, f"Name:          \t{port.get('name', '')}")
    out.line(5, "Resources:")
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        amounts = resources.get(key) or {}
        out.line(6, f"{title}:")
        out.line(7, f"Cpu:   \t{amounts.get('cpu', '0')}")
        out.line(7, f"Memory:\t{amounts.get('memory', '0')}")
    out.line(6, f"Working Dir:\t{container.get('workingDir', '')}")


# vcctl prints a count only when it is positive, in this order and with this padding.
STATUS_COUNTS = (("Succeeded:    ", "succeeded"), ("Pending:      ", "pending"), ("Running:      ", "running"),
                 ("Failed:       ", "failed"), ("Terminating:  ", "terminating"), ("Unknown:      ", "unknown"),
                 ("RetryCount:   ", "retryCount"), ("Min Available:", "minAvailable"), ("Version:      ", "version"))


def _status(out: _Writer, status: Obj) -> None:
    out.line(0, "Status:")
    for title, key in STATUS_COUNTS:
        if int(status.get(key) or 0) > 0:
            out.line(1, f"{title}\t{status[key]}")
    out.line(1, "State:")
    out.line(2, f"Phase:\t{(status.get('state') or {}).get('phase', '')}")
    controlled = status.get("controlledResources") or {}
    if controlled:
        out.line(1, "Controlled Resources:")
        for key in sorted(controlled):
            out.line(2, f"{key}: \t{controlled[key]}")
    conditions = status.get("conditions") or []
    if conditions:
        out.line(1, "Conditions:\n    Status\tTransitionTime")
        for condition in conditions:
            out.line(2, f"{condition.get('status', '')} \t{go_time(condition.get('lastTransitionTime'))} ")


def _pods(out: _Writer, pods: Sequence[Obj]) -> None:
    if not pods:
        out.line(0, "Pods: \t<none>")
        return
    width = max([len("Name")] + [len(meta.name(p)) for p in pods]) + 3
    out.line(0, "Pods:")
    out.line(1, f"{'Name':<{width}}{'Phase':<12}Node")
    for pod in pods:
        pod_phase = (pod.get("status") or {}).get("phase") or ""
        out.line(1, f"{meta.name(pod):<{width}}{pod_phase:<12}{(pod.get('spec') or {}).get('nodeName') or ''}")


def _go_json(values: dict[str, str]) -> str:
    """Go's json.Marshal of a map (sorted keys, no spaces), or <none> when empty."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if values else "<none>"


def _go_list(values: Any) -> str:
    """Go's %v of a []string: ``[a b]``."""
    return "[" + " ".join(str(v) for v in values or []) + "]"
