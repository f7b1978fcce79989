"""Volcano PodGroups under ``/apis/scheduling.volcano.sh/v1beta1``, read-only: the controller
creates each Job's group and schedulers write its status, so clients only read them."""

from __future__ import annotations

from aiohttp import web

from basalt.api import kinds
from services.gateway.routes import objects

KIND = kinds.PODGROUP


def add(app: web.Application) -> None:
    objects.add_reads(app, KIND, lambda b: b.podgroups)
