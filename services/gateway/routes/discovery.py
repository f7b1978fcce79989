"""API discovery as the Kubernetes API server answers it (``/api``, ``/api/v1``, ``/apis``,
``/apis/{group}``, ``/apis/{group}/{version}``, ``/version``), built from ``served`` so stock
clients (kubectl --server, kubernetes_asyncio) find every resource with its verbs and short names."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from services.gateway import served, wire

Obj = dict[str, Any]
VERSION: Obj = {"major": "1", "minor": "30", "gitVersion": "v1.30.0-basalt", "gitCommit": "",
                "gitTreeState": "clean", "buildDate": "", "goVersion": "", "compiler": "python",
                "platform": "linux/amd64"}


def add(app: web.Application) -> None:
    get("/version", version)(app)
    get("/api", api_versions)(app)
    get("/apis", group_list)(app)
    for api_version, resources in served.group_versions().items():
        group = resources[0].kind.group
        get(resources[0].root, resource_list_handler(api_version))(app)
        if group:
            get(f"/apis/{group}", group_handler(group))(app)


def get(path: str, handler: Any) -> Any:
    """Registers ``path`` and ``path/``: Kubernetes clients ask for ``/api/`` and ``/apis/``."""

    def register(app: web.Application) -> None:
        app.router.add_get(path, handler)
        app.router.add_get(path + "/", handler)

    return register


async def version(request: web.Request) -> web.StreamResponse:
    return wire.document(VERSION)


async def api_versions(request: web.Request) -> web.StreamResponse:
    host = request.host
    return wire.document({"kind": "APIVersions", "versions": ["v1"],
                          "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]})


def groups() -> list[Obj]:
    """APIGroup documents, one per named group, each with its versions (the first preferred)."""
    found: dict[str, Obj] = {}
    for resources in served.group_versions().values():
        kind = resources[0].kind
        if not kind.group:
            continue
        entry = {"groupVersion": kind.api_version, "version": kind.version}
        group = found.setdefault(kind.group, {"name": kind.group, "versions": [], "preferredVersion": entry})
        group["versions"].append(entry)
    return list(found.values())


async def group_list(request: web.Request) -> web.StreamResponse:
    return wire.document({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups()})


def group_handler(name: str) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        group = next(g for g in groups() if g["name"] == name)
        return wire.document({"kind": "APIGroup", "apiVersion": "v1", **group})

    return handle


def resource_list(api_version: str) -> Obj:
    entries: list[Obj] = []
    for resource in served.group_versions()[api_version]:
        kind = resource.kind
        entry: Obj = {"name": kind.plural, "singularName": kind.kind.lower(), "namespaced": kind.namespaced,
                      "kind": kind.kind, "verbs": list(resource.verbs)}
        if resource.short_names:
            entry["shortNames"] = list(resource.short_names)
        entries.append(entry)
        entries += [{"name": f"{kind.plural}/{sub}", "singularName": "", "namespaced": kind.namespaced,
                     "kind": kind.kind, "verbs": list(verbs)}
                    for sub, verbs in resource.subresources.items()]
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": api_version, "resources": entries}


def resource_list_handler(api_version: str) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        return wire.document(resource_list(api_version))

    return handle
