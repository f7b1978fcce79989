"""The SDK against the real controller (``controller_target``), and the gateway for parity tests."""

from tests.integration.gateway.conftest import gateway_url, http  # noqa: F401 - fixtures
