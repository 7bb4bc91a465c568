"""Prometheus metrics for ``/metrics``, and the small functions other modules call to feed them.

Other modules record without importing prometheus themselves::

    from automatelanka.daemon import metrics
    metrics.run_started()
    metrics.run_finished("success", 1.25)
    metrics.set_queue_depth(lambda: queue.pending_count())
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("automatelanka.daemon")

HTTP_LATENCY = Histogram(
    "al_http_request_duration_seconds", "HTTP request latency by route template.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RUNS_FINISHED = Counter("al_runs_finished_total", "Runs finished, by final status.", ["status"])
RUNS_STARTED = Counter("al_runs_started_total", "Runs started.")
RUNS_ACTIVE = Gauge("al_runs_active", "Runs executing in this process now.")
RUN_DURATION = Histogram(
    "al_run_duration_seconds", "Run duration from start to finish.", ["status"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
QUEUE_DEPTH = Gauge("al_queue_depth", "Runs waiting in the queue.")


class _RunsByStatus(Collector):
    """``al_runs{status}``: runs stored in the database by status, read at scrape time."""

    source: Callable[[], Mapping[str, int]] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("al_runs", "Runs in the database, by status.", labels=["status"])
        if self.source is not None:
            try:
                for status, count in sorted(self.source().items()):
                    family.add_metric([status], count)
            except Exception as exc:  # a scrape must not fail because the database hiccups
                log.warning("metrics: runs by status unavailable (%s)", type(exc).__name__)
        yield family


_RUNS_BY_STATUS = _RunsByStatus()
REGISTRY.register(_RUNS_BY_STATUS)


def run_started() -> None:
    RUNS_STARTED.inc()
    RUNS_ACTIVE.inc()


def run_finished(status: str, seconds: float, *, was_started: bool = True) -> None:
    """Record a finished run (``status``: success, failed, cancelled) and how long it took."""
    RUNS_FINISHED.labels(status).inc()
    RUN_DURATION.labels(status).observe(max(0.0, seconds))
    if was_started:
        RUNS_ACTIVE.dec()


def set_queue_depth(callback: Callable[[], float]) -> None:
    """Read the queue depth from ``callback`` at each scrape."""

    def safe() -> float:
        try:
            return float(callback())
        except Exception:
            return float("nan")

    QUEUE_DEPTH.set_function(safe)


def set_runs_by_status(callback: Callable[[], Mapping[str, int]] | None) -> None:
    _RUNS_BY_STATUS.source = callback


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_LATENCY.labels(method, route, str(status)).observe(seconds)


def render() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
