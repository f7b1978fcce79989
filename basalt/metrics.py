"""Metrics of one service instance: OpenTelemetry instruments, served as Prometheus text.

Each instance owns its ``MeterProvider`` rather than the process-global one: tests and embedded
stacks run several services in one process, and each must report only its own work. The reader
is pulled (a scrape of ``GET /metrics`` collects), so an instance nobody scrapes pays nothing
beyond the counting itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from aiohttp import web
from opentelemetry import metrics as otel
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.resources import Resource

from basalt import addresses, config, prometheus

log = logging.getLogger("basalt.metrics")
SECONDS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
Read = Callable[[], float]


class Metrics:
    def __init__(self, service: str, instance: str) -> None:
        self._reader = InMemoryMetricReader()
        resource = Resource.create({"service.name": f"basalt-{service}", "service.instance.id": instance})
        self._provider = MeterProvider(metric_readers=[self._reader], resource=resource,
                                       shutdown_on_exit=False)  # a pull reader has nothing to flush
        self.meter = self._provider.get_meter(f"basalt.{service}")

    def render(self) -> str:
        return prometheus.render(self._reader.get_metrics_data())

    def counter_of(self, name: str, read: Read, description: str) -> None:
        """A monotonic count kept elsewhere (a stats field), read at each scrape."""
        self.meter.create_observable_counter(name, [_observe(read)], description=description)

    def gauge_of(self, name: str, read: Read, description: str) -> None:
        self.meter.create_observable_gauge(name, [_observe(read)], description=description)

    def seconds(self, name: str, description: str, buckets: Sequence[float] = SECONDS_BUCKETS) -> otel.Histogram:
        return self.meter.create_histogram(name, unit="s", description=description,
                                           explicit_bucket_boundaries_advisory=buckets)


def _observe(read: Read) -> Callable[[otel.CallbackOptions], Iterable[otel.Observation]]:
    def callback(options: otel.CallbackOptions) -> Iterable[otel.Observation]:
        return [otel.Observation(read())]
    return callback


class Endpoint:
    """``GET /metrics`` on ``listen`` (host:port; port 0 picks one); empty ``listen``: not served."""

    def __init__(self, metrics: Metrics, listen: str) -> None:
        self.metrics = metrics
        self.listen = listen
        self.address = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        if not self.listen:
            return
        host, port = listen_address(self.listen)  # a bad setting fails before anything is bound
        app = web.Application()
        app.router.add_get("/metrics", self._scrape)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host or "0.0.0.0", port).start()
        self.address = addresses.advertised(host, int(self._runner.addresses[0][1]))
        log.info("metrics on http://%s/metrics", self.address)

    async def _scrape(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.render().encode(), headers={"Content-Type": prometheus.CONTENT_TYPE})

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def listen_address(listen: str) -> tuple[str, int]:
    """``host:port`` split; a bad value names the setting and the rule."""
    host, _, port = listen.rpartition(":")
    if not port.isdigit() or int(port) > 65535:
        raise config.SettingsError(f"{config.env_name('metrics_listen')}={listen!r}: expected host:port "
                                   "with a port from 0 to 65535")
    return host, int(port)
