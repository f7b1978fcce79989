"""The CLI talks to the real gateway in front of the real controller (see the gateway's fixtures)."""

from tests.integration.gateway.conftest import gateway_url  # noqa: F401 - fixture
