"""The gateway's REST API from the CLI's side: one aiohttp session, objects as dicts, and every
failure as an ``ApiError`` carrying the server's Status message."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any
from urllib.parse import quote

import aiohttp

from basalt.api import kinds

Obj = dict[str, Any]
PAGE = 500
"""Items per LIST request; the client follows ``continue`` until the list is complete."""
MERGE_PATCH = "application/merge-patch+json"


class ApiError(Exception):
    def __init__(self, message: str, code: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason


def path(kind: kinds.Kind, namespace: str = "", name: str = "", sub: str = "") -> str:
    """The Kubernetes path of a kind's collection (every namespace when ``namespace`` is ""), an
    object, or one of its subresources."""
    root = f"/api/{kind.version}" if not kind.group else f"/apis/{kind.api_version}"
    scope = f"/namespaces/{quote(namespace, safe='')}" if kind.namespaced and namespace else ""
    found = f"{root}{scope}/{kind.plural}"
    if name:
        found += f"/{quote(name, safe='')}"
    return f"{found}/{sub}" if sub else found


class Client:
    def __init__(self, server: str, timeout: float = 60.0, token: str = "") -> None:
        self.server = server.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # Followed logs stay open as long as the pod runs, so only connecting is bounded.
        self.session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_read=None))
        self.timeout = timeout

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.session.close()

    async def create(self, kind: kinds.Kind, namespace: str, data: bytes, content_type: str) -> Obj:
        return await self.json("POST", path(kind, namespace), data=data, headers={"Content-Type": content_type})

    async def get(self, kind: kinds.Kind, namespace: str, name: str) -> Obj:
        return await self.json("GET", path(kind, namespace, name))

    async def delete(self, kind: kinds.Kind, namespace: str, name: str) -> Obj:
        return await self.json("DELETE", path(kind, namespace, name))

    async def patch(self, kind: kinds.Kind, namespace: str, name: str, changes: Obj) -> Obj:
        return await self.json("PATCH", path(kind, namespace, name), data=json.dumps(changes),
                               headers={"Content-Type": MERGE_PATCH})

    async def action(self, kind: kinds.Kind, namespace: str, name: str, action: str) -> Obj:
        """POST to an action subresource (``suspend``, ``open``...)."""
        return await self.json("POST", path(kind, namespace, name, action))

    async def explain(self, namespace: str, name: str) -> Obj:
        return await self.json("GET", path(kinds.JOB, namespace, name, "explain"))

    async def list_all(self, kind: kinds.Kind, namespace: str = "", label_selector: str = "") -> list[Obj]:
        """Every matching object (in every namespace when ``namespace`` is ""), page by page."""
        items: list[Obj] = []
        token = ""
        while True:
            page = await self.json("GET", path(kind, namespace), params={
                "labelSelector": label_selector, "limit": str(PAGE), "continue": token})
            items += page.get("items") or []
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                return items

    async def pod_log(self, namespace: str, name: str, tail_lines: int | None = None) -> bytes:
        params = {} if tail_lines is None else {"tailLines": str(tail_lines)}
        return await self.request("GET", path(kinds.POD, namespace, name, "log"), params=params)

    async def follow_log(self, namespace: str, name: str, tail_lines: int | None = None) -> AsyncIterator[bytes]:
        """The pod's log as it grows, until the pod finishes."""
        params = {"follow": "true", **({} if tail_lines is None else {"tailLines": str(tail_lines)})}
        try:
            async with self.session.get(self.server + path(kinds.POD, namespace, name, "log"),
                                        params=params) as reply:
                if reply.status >= 400:
                    raise failure(reply.status, await reply.read())
                async for chunk in reply.content.iter_any():
                    yield chunk
        except aiohttp.ClientError as exc:
            raise ApiError(f"cannot reach the Basalt gateway at {self.server}: {exc}") from None

    async def healthy(self) -> bool:
        try:
            await self.request("GET", "/readyz")
        except ApiError:
            return False
        return True

    async def json(self, method: str, target: str, **kwargs: Any) -> Obj:
        data = await self.request(method, target, **kwargs)
        try:
            found = json.loads(data)
        except ValueError:
            raise ApiError(f"the server at {self.server} did not answer with JSON") from None
        if not isinstance(found, dict):
            raise ApiError(f"the server at {self.server} answered with {type(found).__name__}, not an object")
        return found

    async def request(self, method: str, target: str, **kwargs: Any) -> bytes:
        """The response body of a 2xx reply; ApiError with the Status message otherwise."""
        params = {k: v for k, v in (kwargs.pop("params", None) or {}).items() if v}
        try:
            async with self.session.request(method, self.server + target, params=params,
                                            timeout=aiohttp.ClientTimeout(total=self.timeout), **kwargs) as reply:
                data = await reply.read()
                if reply.status >= 400:
                    raise failure(reply.status, data)
                return data
        except aiohttp.ClientError as exc:
            raise ApiError(f"cannot reach the Basalt gateway at {self.server}: {exc}") from None
        except TimeoutError:
            raise ApiError(f"the Basalt gateway at {self.server} did not answer in time") from None


def failure(code: int, data: bytes) -> ApiError:
    """The error a non-2xx reply stands for: its Status message, or its text if it is no Status."""
    try:
        body = json.loads(data)
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("kind") == "Status":
        return ApiError(str(body.get("message") or body.get("reason") or code), code, str(body.get("reason") or ""))
    text = data.decode("utf-8", "replace").strip()
    return ApiError(f"the server answered {code}: {text}" if text else f"the server answered {code}", code)
