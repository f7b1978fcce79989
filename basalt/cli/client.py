"""The gateway's REST API from the CLI's side: one aiohttp session, objects as dicts, and every
failure as an ``ApiError`` carrying the server's Status message."""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any
from urllib.parse import quote

import aiohttp

Obj = dict[str, Any]
JOBS_GROUP = "/apis/batch.volcano.sh/v1alpha1"
PAGE = 500
"""Items per LIST request; the client follows ``continue`` until the list is complete."""


class ApiError(Exception):
    def __init__(self, message: str, code: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason


class Client:
    def __init__(self, server: str, timeout: float = 60.0) -> None:
        self.server = server.rstrip("/")
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.session.close()

    async def create_job(self, namespace: str, data: bytes, content_type: str) -> Obj:
        return await self.json("POST", f"{_jobs(namespace)}", data=data, headers={"Content-Type": content_type})

    async def get_job(self, namespace: str, name: str) -> Obj:
        return await self.json("GET", f"{_jobs(namespace)}/{quote(name, safe='')}")

    async def delete_job(self, namespace: str, name: str) -> Obj:
        return await self.json("DELETE", f"{_jobs(namespace)}/{quote(name, safe='')}")

    async def list_jobs(self, namespace: str = "") -> list[Obj]:
        """Jobs in ``namespace``, or in every namespace when it is empty."""
        return await self.list_all(_jobs(namespace) if namespace else f"{JOBS_GROUP}/jobs")

    async def list_pods(self, namespace: str, label_selector: str = "") -> list[Obj]:
        return await self.list_all(_pods(namespace), labelSelector=label_selector)

    async def pod_log(self, namespace: str, name: str, tail_lines: int | None = None) -> bytes:
        params = {} if tail_lines is None else {"tailLines": str(tail_lines)}
        return await self.request("GET", f"{_pods(namespace)}/{quote(name, safe='')}/log", params=params)

    async def list_all(self, path: str, **params: str) -> list[Obj]:
        items: list[Obj] = []
        token = ""
        while True:
            page = await self.json("GET", path, params={**params, "limit": str(PAGE), "continue": token})
            items += page.get("items") or []
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                return items

    async def json(self, method: str, path: str, **kwargs: Any) -> Obj:
        data = await self.request(method, path, **kwargs)
        try:
            found = json.loads(data)
        except ValueError:
            raise ApiError(f"the server at {self.server} did not answer with JSON") from None
        if not isinstance(found, dict):
            raise ApiError(f"the server at {self.server} answered with {type(found).__name__}, not an object")
        return found

    async def request(self, method: str, path: str, **kwargs: Any) -> bytes:
        """The response body of a 2xx reply; ApiError with the Status message otherwise."""
        params = {k: v for k, v in (kwargs.pop("params", None) or {}).items() if v}
        try:
            async with self.session.request(method, self.server + path, params=params, **kwargs) as reply:
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


def _jobs(namespace: str) -> str:
    return f"{JOBS_GROUP}/namespaces/{quote(namespace, safe='')}/jobs"


def _pods(namespace: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods"
