"""Volcano Queues, cluster-scoped, under ``/apis/scheduling.volcano.sh/v1beta1/queues``; vcctl's
``queue operate -a open|close`` as the POST subresources ``open`` and ``close``."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from basalt.v1 import jobs_pb2
from services.gateway import served
from services.gateway.routes import actions, objects

RESOURCE = served.QUEUES


def add(app: web.Application) -> None:
    objects.add(app, RESOURCE)
    for action in ("open", "close"):
        actions.add(app, RESOURCE, action, lambda b: b.queues.Operate, operate_request(action))


def operate_request(action: str) -> Callable[[web.Request], jobs_pb2.OperateQueueRequest]:
    def build(request: web.Request) -> jobs_pb2.OperateQueueRequest:
        return jobs_pb2.OperateQueueRequest(name=request.match_info["name"], action=action)

    return build
