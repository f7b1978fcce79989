"""HTTP routes, one module per resource; ``add_all`` registers them on an application."""

from __future__ import annotations

from aiohttp import web

from services.gateway.routes import (commands, discovery, health, jobs, nodes, openapi, podgroups, pods,
                                     priorityclasses, queues)


def add_all(app: web.Application) -> None:
    for module in (health, discovery, openapi, jobs, queues, podgroups, commands, pods, nodes, priorityclasses):
        module.add(app)
