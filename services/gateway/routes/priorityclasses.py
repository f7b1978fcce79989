"""PriorityClasses (``scheduling.k8s.io/v1``, cluster-scoped): the priorities jobs and tasks name."""

from __future__ import annotations

from aiohttp import web

from services.gateway import served
from services.gateway.routes import objects


def add(app: web.Application) -> None:
    objects.add(app, served.PRIORITY_CLASSES)
