"""What handlers find on the application besides the backend: the gateway's settings."""

from __future__ import annotations

from aiohttp import web

from services.gateway.settings import Settings

SETTINGS = web.AppKey("settings", Settings)


def settings_of(request: web.Request) -> Settings:
    return request.app[SETTINGS]
