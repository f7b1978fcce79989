"""The compose file and Kubernetes manifests start real services with real settings.

No Docker engine or cluster runs here, so these check what can go stale silently: every command
names a service module that exists, every BASALT_* variable is a field of some service's settings
(a typo would be ignored at run time), schedulers and controllers run active-active (K > 1), and
anonymous access is off.
"""

from __future__ import annotations

import dataclasses
import importlib
import pathlib
from collections.abc import Iterator
from typing import Any

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("admission", "controller", "scheduler", "agent", "gateway")
KNOWN_GLOBAL = {"BASALT_LOG_LEVEL", "BASALT_TRACE_CONSOLE"}


def settings_fields(service: str) -> set[str]:
    module = importlib.import_module(f"services.{service}.settings")
    return {f"BASALT_{f.name.upper()}" for f in dataclasses.fields(module.Settings)}


def documents(path: pathlib.Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def walk(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from walk(child)


def k8s_containers() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        for doc in documents(path):
            if doc.get("kind") in ("Deployment", "StatefulSet"):
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    yield doc["metadata"]["name"], container


def service_of(command: list[str]) -> str:
    assert command[:2] == ["python", "-m"] and command[2].startswith("services."), command
    return str(command[2].split(".", 1)[1])


def test_k8s_containers_run_existing_services_with_known_settings() -> None:
    config = {k for doc in documents(ROOT / "deploy/k8s/config.yaml") for k in (doc.get("data") or {})
              if k.startswith("BASALT_")}
    every_field = set().union(*(settings_fields(s) for s in SERVICES)) | KNOWN_GLOBAL
    assert config <= every_field, config - every_field
    seen = set()
    for name, container in k8s_containers():
        if container.get("image", "").startswith("redis"):
            continue
        service = service_of(container["command"])
        seen.add(service)
        env = {e["name"] for e in container.get("env") or []}
        assert env <= settings_fields(service) | KNOWN_GLOBAL, (name, env - settings_fields(service))
    assert seen == set(SERVICES)


def test_k8s_runs_schedulers_and_controllers_active_active() -> None:
    replicas = {}
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        for doc in documents(path):
            if doc.get("kind") == "Deployment":
                replicas[doc["metadata"]["name"]] = doc["spec"]["replicas"]
    assert replicas["scheduler"] > 1 and replicas["controller"] > 1


def test_compose_services_and_settings() -> None:
    compose = documents(ROOT / "deploy/compose/compose.yaml")[0]
    services = compose["services"]
    assert services["redis"]["command"][:3] == ["redis-server", "--appendonly", "yes"]
    assert services["scheduler"]["deploy"]["replicas"] > 1
    for name, spec in services.items():
        if name == "redis":
            continue
        service = service_of(spec["command"])
        env = set(spec.get("environment") or {})
        assert env <= settings_fields(service) | KNOWN_GLOBAL, (name, env - settings_fields(service))
    assert services["gateway"]["environment"]["BASALT_ALLOW_ANONYMOUS"] == "false"


def test_redis_persists_append_only_everywhere() -> None:
    redis_args: list[list[str]] = [c.get("args") or [] for _, c in k8s_containers()
                                   if c.get("image", "").startswith("redis")]
    assert redis_args and all("--appendonly" in a and a[a.index("--appendonly") + 1] == "yes" for a in redis_args)


def test_compose_tokens_file_loads_with_the_gateways_loader() -> None:
    from services.gateway import auth

    tokens = auth.load(str(ROOT / "deploy/compose/tokens.yaml"), allow_anonymous=False)
    assert not tokens.allow_anonymous
    subjects = {identity.subject for identity in tokens.by_digest.values()}
    assert subjects == {"ops", "alice"}
