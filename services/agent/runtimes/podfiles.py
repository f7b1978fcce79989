"""Files a pod gets from its job's plugins, and the job's DNS names, for the process runtime.

On Kubernetes, Volcano's ``svc`` plugin mounts the ``<job>-svc`` ConfigMap at ``/etc/volcano``
and its ``ssh`` plugin the ``<job>-ssh`` Secret at ``/root/.ssh``. Here the controller puts those
files in pod annotations and the runtime writes them under the pod's directory: ``etc/volcano/
<task>.host`` and ``root/.ssh/{id_rsa,id_rsa.pub,authorized_keys,config}`` (the mount path,
relative). ``write`` is called at start and again whenever the pod is re-sent (after a scale, the
host files change). Every pod of a local agent shares this machine, so a job's DNS names
(``<host>.<job>``, as in MASTER_ADDR or TF_CONFIG) are rewritten to 127.0.0.1 in the environment.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
from collections.abc import Mapping

from basalt.api import labels, meta

SVC_HOSTS = "basalt.io/svc-hosts"
SSH_FILES = "basalt.io/ssh-files"
SSH_PATH = "basalt.io/ssh-path"
HOSTS_DIR = "etc/volcano"
LOCAL_ADDRESS = "127.0.0.1"


def write(pod: meta.Obj, pod_dir: pathlib.Path) -> None:
    annotations = meta.annotations_of(pod)
    hosts = _files(annotations.get(SVC_HOSTS))
    if hosts:
        _write_all(pod_dir / HOSTS_DIR, hosts, 0o644)
    keys = _files(annotations.get(SSH_FILES))
    if keys:
        target = pod_dir / (annotations.get(SSH_PATH) or "/root/.ssh").lstrip("/")
        _write_all(target, keys, 0o600)


def local_names(pod: meta.Obj, env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the job's pod DNS names (``<name>.<subdomain>``) pointing at this machine."""
    subdomains = {s for s in ((pod.get("spec") or {}).get("subdomain"), meta.labels(pod).get(labels.JOB_NAME)) if s}
    if not subdomains:
        return dict(env)
    alternatives = "|".join(re.escape(str(s)) for s in sorted(subdomains))
    pattern = re.compile(rf"(?<![-A-Za-z0-9.])[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\.(?:{alternatives})(?![-A-Za-z0-9.])")
    return {name: pattern.sub(LOCAL_ADDRESS, value) for name, value in env.items()}


def _files(raw: str | None) -> dict[str, str]:
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {os.path.basename(str(k)): str(v) for k, v in parsed.items() if os.path.basename(str(k))}


def _write_all(directory: pathlib.Path, files: Mapping[str, str], mode: int) -> None:
    """Each file replaced atomically, so a process reading it never sees half a list."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        final = directory / name
        partial = directory / f".{name}.tmp"
        partial.write_text(content if content.endswith("\n") or not content else content + "\n")
        partial.chmod(mode)
        partial.replace(final)
