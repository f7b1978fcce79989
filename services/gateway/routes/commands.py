"""bus.volcano.sh Commands: create and list (the controller runs each once, then deletes it)."""

from __future__ import annotations

from aiohttp import web

from services.gateway import served
from services.gateway.routes import objects


def add(app: web.Application) -> None:
    objects.add(app, served.COMMANDS)
