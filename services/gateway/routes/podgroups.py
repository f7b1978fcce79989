"""Volcano PodGroups under ``/apis/scheduling.volcano.sh/v1beta1``, read-only: the controller
creates each Job's group and schedulers write its status, so clients only read them."""

from __future__ import annotations

from aiohttp import web

from services.gateway import served
from services.gateway.routes import objects


def add(app: web.Application) -> None:
    objects.add(app, served.PODGROUPS)
