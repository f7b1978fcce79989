"""OpenTelemetry tracing. Spans go to the console exporter when BASALT_TRACE_CONSOLE=1; otherwise
a provider is installed without exporters so instrumented code costs little."""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter


def setup(service: str) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": f"basalt-{service}"}))
    if os.environ.get("BASALT_TRACE_CONSOLE") == "1":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)
