"""OpenTelemetry metrics data as the Prometheus text exposition format (version 0.0.4).

The SDK's Prometheus exporter is a separate package with its own HTTP server; the few lines here
let each service serve ``/metrics`` from the aiohttp it already has. Names follow the OTel to
Prometheus rules: dots become underscores, monotonic sums end in ``_total``, a unit of seconds
ends in ``_seconds``, histograms give cumulative ``_bucket`` series with ``le`` and ``+Inf``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping

from opentelemetry.sdk.metrics.export import Gauge, Histogram, HistogramDataPoint, Metric, MetricsData, Sum
from opentelemetry.util.types import AttributeValue

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_INVALID = re.compile(r"[^a-zA-Z0-9_:]")
_UNIT_SUFFIX = {"s": "_seconds", "By": "_bytes"}


def render(data: MetricsData | None) -> str:
    return "".join(f"{line}\n" for metric in _metrics(data) for line in _family(metric))


def _metrics(data: MetricsData | None) -> Iterator[Metric]:
    for resource in (data.resource_metrics if data else ()):
        for scope in resource.scope_metrics:
            yield from scope.metrics


def metric_name(metric: Metric) -> str:
    name = _INVALID.sub("_", metric.name)
    suffix = _UNIT_SUFFIX.get(metric.unit or "", "")
    return name if name.endswith(suffix) else name + suffix


def _family(metric: Metric) -> Iterator[str]:
    name, body = metric_name(metric), metric.data
    if isinstance(body, Sum) and body.is_monotonic:
        kind, series = "counter", name + "_total"
    elif isinstance(body, (Sum, Gauge)):
        kind, series = "gauge", name
    elif isinstance(body, Histogram):
        kind, series = "histogram", name
    else:
        return
    yield f"# HELP {series} {_escape_help(metric.description or metric.name)}"
    yield f"# TYPE {series} {kind}"
    for point in body.data_points:
        attrs = dict(point.attributes or {})
        if isinstance(point, HistogramDataPoint):
            yield from _histogram(series, attrs, point)
        else:
            yield f"{series}{_labels(attrs)} {_number(point.value)}"


def _histogram(series: str, attrs: Mapping[str, AttributeValue], point: HistogramDataPoint) -> Iterator[str]:
    running = 0
    bounds = [*(_number(b) for b in point.explicit_bounds), "+Inf"]
    for bound, count in zip(bounds, point.bucket_counts):
        running += count  # OTel counts per bucket; Prometheus counts everything at or below le
        yield f"{series}_bucket{_labels({**attrs, 'le': bound})} {running}"
    yield f"{series}_sum{_labels(attrs)} {_number(point.sum)}"
    yield f"{series}_count{_labels(attrs)} {point.count}"


def _labels(attrs: Mapping[str, AttributeValue]) -> str:
    if not attrs:
        return ""
    pairs = (f'{_INVALID.sub("_", k)}="{_escape_value(v)}"' for k, v in attrs.items())
    return "{" + ",".join(pairs) + "}"


def _escape_value(value: AttributeValue) -> str:
    text = ",".join(map(str, value)) if isinstance(value, Iterable) and not isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float | int) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if isinstance(value, float) else str(value)
