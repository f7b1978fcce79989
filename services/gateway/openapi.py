"""The OpenAPI v2 document of every route the application serves, read from its router (so a new
route is described the day it is added) and typed with the ``served`` table. Pure: a list of
(path template, methods) in, a Swagger 2.0 dict out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from basalt.api import kinds
from services.gateway import requestinfo, served

Obj = dict[str, Any]
PARAM = re.compile(r"{(\w+)}")
LIST_QUERY = (("labelSelector", "string"), ("fieldSelector", "string"), ("limit", "integer"),
              ("continue", "string"))
WATCH_QUERY = (("watch", "boolean"), ("resourceVersion", "string"), ("timeoutSeconds", "integer"),
               ("allowWatchBookmarks", "boolean"))
LOG_QUERY = (("follow", "boolean"), ("tailLines", "integer"))
STATUS_REF = {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status"}
OBJECT_TYPES = ["application/json", "application/yaml"]
PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json",
               "application/strategic-merge-patch+json"]


def document(routes: Iterable[tuple[str, Iterable[str]]]) -> Obj:
    paths: Obj = {}
    for template, methods in sorted(routes):
        operations = {m.lower(): operation(template, m) for m in sorted(set(methods)) if m not in ("HEAD", "*")}
        if operations:
            paths[template] = operations
    return {"swagger": "2.0", "info": {"title": "Basalt", "version": "v1.30.0-basalt"},
            "consumes": ["application/json"], "produces": ["application/json"],
            "paths": paths, "definitions": definitions()}


def definition_name(kind: kinds.Kind) -> str:
    """``io.k8s.api.core.v1.Pod`` for core kinds, ``sh.volcano.batch.v1alpha1.Job`` for the others."""
    if not kind.group:
        return f"io.k8s.api.core.{kind.version}.{kind.kind}"
    return ".".join(reversed(kind.group.split("."))) + f".{kind.version}.{kind.kind}"


def gvk(kind: kinds.Kind) -> list[Obj]:
    return [{"group": kind.group, "version": kind.version, "kind": kind.kind}]


def schema(kind: kinds.Kind) -> Obj:
    return {"type": "object", "x-kubernetes-group-version-kind": gvk(kind),
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                           "metadata": {"type": "object"}, "spec": {"type": "object"},
                           "status": {"type": "object"}}}


def resource_for(info: requestinfo.RequestInfo) -> served.Resource | None:
    for resource in served.ALL:
        kind = resource.kind
        if (kind.group, kind.version, kind.plural) == (info.group, info.version, info.resource):
            return resource
    return None


def operation(template: str, method: str) -> Obj:
    info = requestinfo.parse(method, template, {})
    resource = resource_for(info) if info.is_resource else None
    parameters = [{"name": name, "in": "path", "required": True, "type": "string"}
                  for name in PARAM.findall(template)]
    op: Obj = {"operationId": operation_id(method, template), "parameters": parameters,
               "responses": {"default": {"description": "a Status", "schema": STATUS_REF}}}
    if resource is None:
        op["responses"]["200"] = {"description": "OK"}
        return op
    ref = {"$ref": f"#/definitions/{definition_name(resource.kind)}"}
    op["x-kubernetes-action"] = info.verb
    op["x-kubernetes-group-version-kind"] = gvk(resource.kind)[0]  # one object on operations
    parameters += query_parameters(info, resource)
    if info.verb in ("create", "update", "patch") and not (info.subresource and info.verb == "create"):
        parameters.append({"name": "body", "in": "body", "required": True,
                           "schema": {"type": "object"} if info.verb == "patch" else ref})
        op["consumes"] = PATCH_TYPES if info.verb == "patch" else OBJECT_TYPES
    if info.verb == "create" and not info.subresource:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False, "type": "string"})
    if "body" in (p["name"] for p in parameters):
        # Declared so kubectl validates on the server (admission checks every field) rather than
        # downloading a schema; the gateway accepts and ignores the value.
        parameters += [{"name": name, "in": "query", "required": False, "type": "string"}
                       for name in ("fieldValidation", "fieldManager")]
    code = "201" if info.verb == "create" else "200"
    body = {"$ref": f"#/definitions/{definition_name(resource.kind)}List"} if info.verb == "list" else ref
    if info.subresource == "log":
        body, op["produces"] = {"type": "string"}, ["text/plain"]
    elif info.subresource == "explain":
        body = {"type": "object"}
    op["responses"][code] = {"description": "OK", "schema": body}
    return op


def query_parameters(info: requestinfo.RequestInfo, resource: served.Resource) -> list[Obj]:
    found: tuple[tuple[str, str], ...] = ()
    if info.verb == "list":
        found = LIST_QUERY + (WATCH_QUERY if "watch" in resource.verbs else ())
    elif info.subresource == "log":
        found = LOG_QUERY
    return [{"name": name, "in": "query", "required": False, "type": kind} for name, kind in found]


def operation_id(method: str, template: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", template) if w]
    return method.lower() + "".join(w[:1].upper() + w[1:] for w in words)


def definitions() -> Obj:
    found: Obj = {"io.k8s.apimachinery.pkg.apis.meta.v1.Status": {
        "type": "object", "properties": {k: {"type": t} for k, t in (
            ("kind", "string"), ("apiVersion", "string"), ("status", "string"), ("message", "string"),
            ("reason", "string"), ("code", "integer"), ("details", "object"), ("metadata", "object"))}}}
    for resource in served.ALL:
        name = definition_name(resource.kind)
        found[name] = schema(resource.kind)
        found[name + "List"] = {"type": "object", "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
            "items": {"type": "array", "items": {"$ref": f"#/definitions/{name}"}}},
            "x-kubernetes-group-version-kind": [{**gvk(resource.kind)[0],
                                                  "kind": resource.kind.kind + "List"}]}
    return found


def group_version_paths(document: Obj) -> list[str]:
    """``api/v1`` and ``apis/<group>/<version>`` for every group version the document has paths in."""
    found = []
    for resource in served.ALL:
        prefix = resource.root.lstrip("/")
        if prefix not in found:
            found.append(prefix)
    return found


def v3_index(document: Obj) -> Obj:
    """The ``/openapi/v3`` discovery document: one OpenAPI 3 document per group version."""
    return {"paths": {gv: {"serverRelativeURL": f"/openapi/v3/{gv}"} for gv in group_version_paths(document)}}


def v3(document: Obj, group_version: str) -> Obj | None:
    """The OpenAPI 3.0 document of one group version, converted from the v2 one (None if unknown)."""
    if group_version not in group_version_paths(document):
        return None
    root = "/" + group_version
    paths = {template: {method: _v3_operation(op) for method, op in ops.items()}
             for template, ops in document["paths"].items()
             if template == root or template.startswith(root + "/")}
    converted = {"openapi": "3.0.0", "info": document["info"], "paths": paths,
                 "components": {"schemas": document["definitions"]}}
    rewritten: Obj = json.loads(json.dumps(converted).replace("#/definitions/", "#/components/schemas/"))
    return rewritten


def _v3_operation(op: Obj) -> Obj:
    found: Obj = {k: v for k, v in op.items() if k not in ("parameters", "responses", "consumes", "produces")}
    found["parameters"] = [{"name": p["name"], "in": p["in"], "required": p["required"],
                            "schema": {"type": p["type"]}} for p in op["parameters"] if p["in"] != "body"]
    for p in op["parameters"]:
        if p["in"] == "body":
            found["requestBody"] = {"required": True, "content": {
                media: {"schema": p["schema"]} for media in op.get("consumes", ["application/json"])}}
    produces = op.get("produces", ["application/json"])
    found["responses"] = {code: {"description": r["description"], **(
        {"content": {media: {"schema": r["schema"]} for media in produces}} if "schema" in r else {})}
        for code, r in op["responses"].items()}
    return found
