"""Prometheus metrics of one running Woken: a registry of its own per app.

Jobs and experiments (by algorithm and state, with durations) are read from woken-db
at each scrape; HTTP requests and backend errors are counted as they happen.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter as Tally
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from woken.states import JobState
from woken.storage.database import WokenDatabase
from woken.storage.statistics import Timed, experiment_timings, job_timings
from woken.system.metered_backend import MeteredBackend
from woken.system.services import Services

log = logging.getLogger(__name__)

# Seconds: a `data` job takes a fraction of one, an AutoML search up to an hour.
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
QUEUED_STATES = {JobState.PENDING.value, JobState.QUEUED.value}


class Metrics:
    """The registry of one app and the counters the running system updates."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "woken_http_requests", "HTTP requests answered, by route and status",
            ["method", "route", "status"], registry=self.registry,
        )
        self.backend_errors = Counter(
            "woken_backend_errors", "Backend calls that failed (BackendError)",
            ["backend", "operation"], registry=self.registry,
        )
        # As a federation site: what left this site (aggregates only; never a row).
        self.federation_steps = Counter(
            "woken_federation_steps", "Federated local steps answered to a central",
            registry=self.registry,
        )
        self.federation_sent_bytes = Counter(
            "woken_federation_sent_bytes", "Bytes of the answers of federated local steps",
            registry=self.registry,
        )

    def federation_bytes(self, sent: int) -> None:
        """Count one federated step answered, and its bytes."""
        self.federation_steps.inc()
        self.federation_sent_bytes.inc(sent)

    def watch(self, woken_db: WokenDatabase) -> None:
        """Report the jobs and experiments of this woken-db at each scrape."""
        self.registry.register(WokenDbCollector(woken_db))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class WokenDbCollector(Collector):
    """Jobs and experiments as woken-db holds them, read at each scrape."""

    def __init__(self, woken_db: WokenDatabase) -> None:
        self.woken_db = woken_db

    def collect(self) -> Iterable[Metric]:
        try:
            jobs = job_timings(self.woken_db)
            experiments = experiment_timings(self.woken_db)
        except Exception:
            # A scrape must not fail because the database does not answer: /health/db says so.
            log.exception("could not read woken-db for the metrics")
            return []
        return [
            _by_state("woken_jobs", "Jobs by algorithm and state", jobs),
            _by_state("woken_experiments",
                      "Experiments by algorithm and state (one per algorithm it runs)",
                      experiments),
            _histogram("woken_job_duration_seconds", "Run time of ended jobs", jobs),
            _histogram("woken_experiment_duration_seconds", "Run time of ended experiments",
                       experiments),
            _gauge("woken_jobs_queued", "Jobs waiting for the backend",
                   sum(t.state in QUEUED_STATES for t in jobs)),
            _gauge("woken_jobs_running", "Jobs running",
                   sum(t.state == JobState.RUNNING.value for t in jobs)),
        ]


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _by_state(name: str, documentation: str, timed: list[Timed]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["algorithm", "state"])
    for (algorithm, state), count in sorted(Tally((t.algorithm, t.state) for t in timed).items()):
        family.add_metric([algorithm, state], count)
    return family


def _histogram(name: str, documentation: str, timed: list[Timed]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation, labels=["algorithm"])
    by_algorithm: dict[str, list[float]] = {}
    for t in timed:
        if t.duration_s is not None:
            by_algorithm.setdefault(t.algorithm, []).append(t.duration_s)
    for algorithm, durations in sorted(by_algorithm.items()):
        buckets = [(str(float(bound)), sum(d <= bound for d in durations))
                   for bound in DURATION_BUCKETS]
        buckets.append(("+Inf", len(durations)))
        family.add_metric([algorithm], buckets, sum_value=sum(durations))
    return family


def instrument(services: Services, metrics: Metrics) -> Services:
    """The same services, with their backend's failures counted and woken-db reported."""
    metrics.watch(services.woken_db)
    return dataclasses.replace(
        services, backend=MeteredBackend(services.backend, metrics.backend_errors)
    )
