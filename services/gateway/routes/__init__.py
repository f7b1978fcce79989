"""HTTP routes, one module per resource; ``add_all`` registers them on an application."""

from __future__ import annotations

from aiohttp import web

from services.gateway.routes import health, jobs, podgroups, pods


def add_all(app: web.Application) -> None:
    for module in (health, jobs, podgroups, pods):
        module.add(app)
