"""OpenTelemetry instruments rendered in the Prometheus text format: names, types, buckets, labels."""

from __future__ import annotations

import pytest

from basalt import config, metrics, prometheus


def _series(text: str) -> dict[str, str]:
    return dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))


def test_counters_gauges_and_histograms_follow_the_prometheus_naming() -> None:
    registry = metrics.Metrics("test", "t-1")
    done = [3]
    registry.counter_of("basalt.test.commit.conflicts", lambda: done[0], "Refused commits")
    registry.gauge_of("basalt.test.ring.members", lambda: 2, "Live members")
    took = registry.seconds("basalt.test.takeover.duration", "Takeover", buckets=(0.5, 1.0))
    for seconds in (0.2, 0.7, 3.0):
        took.record(seconds)
    done[0] = 5  # observed at scrape time, not at registration
    text = registry.render()
    assert "# TYPE basalt_test_commit_conflicts_total counter" in text
    assert "# HELP basalt_test_commit_conflicts_total Refused commits" in text
    assert "# TYPE basalt_test_ring_members gauge" in text
    assert "# TYPE basalt_test_takeover_duration_seconds histogram" in text
    assert _series(text) == {
        "basalt_test_commit_conflicts_total": "5", "basalt_test_ring_members": "2",
        'basalt_test_takeover_duration_seconds_bucket{le="0.5"}': "1",
        'basalt_test_takeover_duration_seconds_bucket{le="1.0"}': "2",
        'basalt_test_takeover_duration_seconds_bucket{le="+Inf"}': "3",
        "basalt_test_takeover_duration_seconds_sum": "3.9", "basalt_test_takeover_duration_seconds_count": "3"}


def test_attributes_become_escaped_labels() -> None:
    registry = metrics.Metrics("test", "t-1")
    count = registry.meter.create_counter("basalt.test.binds")
    count.add(2, {"queue.name": 'a"b\\c'})
    assert 'basalt_test_binds_total{queue_name="a\\"b\\\\c"} 2' in registry.render().splitlines()


def test_nothing_collected_renders_empty() -> None:
    assert prometheus.render(None) == ""
    assert metrics.Metrics("test", "t-1").render() == ""


@pytest.mark.parametrize("listen", ["9464x", "host", "h:70000", "h:"])
def test_a_bad_metrics_address_names_the_setting(listen: str) -> None:
    with pytest.raises(config.SettingsError, match=r"BASALT_METRICS_LISTEN=.*expected host:port"):
        metrics.listen_address(listen)


def test_a_metrics_address_splits_into_host_and_port() -> None:
    assert metrics.listen_address("0.0.0.0:9464") == ("0.0.0.0", 9464)
    assert metrics.listen_address(":0") == ("", 0)
