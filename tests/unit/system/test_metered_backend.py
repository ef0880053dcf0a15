"""A backend's failures are counted for /metrics, and still raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from woken.backends.base import JobSpec, JobStatus
from woken.errors import BackendError
from woken.states import JobState
from woken.system.metered_backend import MeteredBackend
from woken.system.metrics import Metrics


class FailingSubmits:
    name = "test"
    pushes_changes = False

    def submit(self, spec, on_change=None) -> None:
        raise BackendError("no room")

    def status(self, job_id: str) -> JobStatus:
        return JobStatus(JobState.RUNNING)

    def cancel(self, job_id: str) -> None: ...
    def logs(self, job_id: str) -> str: return ""
    def forget(self, job_id: str) -> None: ...
    def close(self) -> None: ...


def test_backend_errors_are_counted_by_operation() -> None:
    metrics = Metrics()
    backend = MeteredBackend(FailingSubmits(), metrics.backend_errors)
    spec = JobSpec("j1", "knn", "image", Path("/x"), "compute", Path("/v"), {}, 10)
    for _ in range(2):
        with pytest.raises(BackendError):
            backend.submit(spec)
    assert backend.status("j1").state is JobState.RUNNING
    text = metrics.exposition().decode()
    assert 'woken_backend_errors_total{backend="test",operation="submit"} 2.0' in text
    assert "operation=\"status\"" not in text


def test_each_metrics_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.http_requests.labels("GET", "/health", "200").inc()
    assert b'route="/health"' in first.exposition()
    assert b'route="/health"' not in second.exposition()
