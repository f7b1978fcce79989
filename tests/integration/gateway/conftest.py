"""The real gateway in front of the real controller (``controller_target``: controller + admission
on the per-test Redis), reached over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from services.gateway import app
from services.gateway.settings import Settings
from tests import servers


@pytest.fixture
async def gateway_url(controller_target: str) -> AsyncIterator[str]:
    async with servers.running(app.serve, Settings(port=0, controller=controller_target, allow_anonymous=True)) as url:
        yield url


@pytest.fixture
async def http(gateway_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=gateway_url) as session:
        yield session
