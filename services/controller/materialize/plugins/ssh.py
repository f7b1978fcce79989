"""Volcano's ``ssh`` plugin: one RSA key pair per job, mounted into every pod's ``~/.ssh``.

Volcano keeps the pair in the Secret ``<job>-ssh``. Basalt has no Secrets: the controller generates
the pair once (``needs_keypair``; the I/O side runs ``ssh-keygen``) and keeps it in the job's
``basalt.io/ssh-keypair`` annotation; each pod carries the four files of the Secret
(``id_rsa``, ``id_rsa.pub``, ``authorized_keys``, ``config``) in its ``basalt.io/ssh-files``
annotation, plus Volcano's volume and mounts, and the agent writes them under the pod directory at
the mount path. Arguments: ``--ssh-key-file-path`` (default ``/root/.ssh``),
``--ssh-private-key`` / ``--ssh-public-key`` (a user-provided pair), ``--ssh-port`` (22).
"""

from __future__ import annotations

import json

from basalt.api import meta
from services.controller.materialize import jobspec, naming
from services.controller.materialize.plugins import flags, registry

Obj = meta.Obj

KEYPAIR_ANNOTATION = "basalt.io/ssh-keypair"
FILES_ANNOTATION = "basalt.io/ssh-files"
PATH_ANNOTATION = "basalt.io/ssh-path"
PRIVATE_KEY, PUBLIC_KEY, AUTHORIZED_KEYS, CONFIG = "id_rsa", "id_rsa.pub", "authorized_keys", "config"
DEFAULT_PATH = "/root/.ssh"
RELATIVE_PATH = ".ssh"


class MissingKeypair(Exception):
    """The job's key pair has not been generated yet (the controller does it before any pod)."""


@registry.register("ssh")
def on_pod_create(pod: Obj, job: Obj, args: list[str]) -> None:
    path = flags.string(args, "ssh-key-file-path", DEFAULT_PATH)
    pair = keypair(job, args)
    if pair is None:
        raise MissingKeypair(f"job {meta.key(job)}: ssh key pair not generated yet")
    private, public = pair
    files = {PRIVATE_KEY: private, PUBLIC_KEY: public, AUTHORIZED_KEYS: public,
             CONFIG: ssh_config(job, _port(args))}
    annotations = meta.metadata(pod).setdefault("annotations", {})
    annotations[FILES_ANNOTATION] = json.dumps(files, sort_keys=True)
    annotations[PATH_ANNOTATION] = path
    _mount(pod, job, path)


def needs_keypair(job: Obj) -> bool:
    """The job uses the plugin without its own keys and none were generated for it yet."""
    args = jobspec.plugins(job).get("ssh")
    return args is not None and keypair(job, args) is None


def keypair(job: Obj, args: list[str]) -> tuple[str, str] | None:
    """(private, public): the user's from the arguments, else the generated one, else None."""
    private = flags.string(args, "ssh-private-key", "")
    if private:
        return private, flags.string(args, "ssh-public-key", "")
    raw = meta.annotations_of(job).get(KEYPAIR_ANNOTATION)
    if not raw:
        return None
    stored = json.loads(raw)
    return str(stored[PRIVATE_KEY]), str(stored[PUBLIC_KEY])


def keypair_annotation(private: str, public: str) -> str:
    return json.dumps({PRIVATE_KEY: private, PUBLIC_KEY: public}, sort_keys=True)


def ssh_config(job: Obj, port: int) -> str:
    """``generateSSHConfig``: every replica as a Host entry with its DNS name and port."""
    config = "StrictHostKeyChecking no\nUserKnownHostsFile /dev/null\n"
    for task in jobspec.tasks(job):
        template = jobspec.template_spec(task)
        fixed = str(template.get("hostname") or "")
        subdomain = str(template.get("subdomain") or "") or meta.name(job)
        for i in range(jobspec.replicas(task)):
            host = fixed or naming.pod_name(meta.name(job), jobspec.task_name(task), i)
            config += f"Host {host}\n  HostName {host}.{subdomain}\n  Port {port}\n"
            if fixed:
                break
    return config


def secret_name(job: Obj) -> str:
    return f"{meta.name(job)}-ssh"


def _port(args: list[str]) -> int:
    port = flags.integer(args, "ssh-port", 22)
    return port if 0 < port <= 65535 else 22  # validateSSHPort's fallback


def _mount(pod: Obj, job: Obj, path: str) -> None:
    """The Secret volume and its mounts, as Volcano's ``mountRsaKey`` declares them."""
    name = secret_name(job)
    items = [{"key": k, "path": f"{RELATIVE_PATH}/{k}"} for k in (PRIVATE_KEY, PUBLIC_KEY, AUTHORIZED_KEYS, CONFIG)]
    mode = 0o600 if path == DEFAULT_PATH else 0o644
    spec = pod.setdefault("spec", {})
    spec["volumes"] = list(spec.get("volumes") or []) + [
        {"name": name, "secret": {"secretName": name, "items": items, "defaultMode": mode}}]
    mount = {"mountPath": path, "subPath": RELATIVE_PATH, "name": name}
    for container in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        container["volumeMounts"] = list(container.get("volumeMounts") or []) + [dict(mount)]
