"""A backend that counts its failures for /metrics, and otherwise is the backend it wraps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from prometheus_client import Counter

from woken.backends.base import Backend, JobSpec, JobStatus
from woken.errors import BackendError

T = TypeVar("T")


class MeteredBackend:
    """A backend whose BackendErrors are counted by operation (and still raised)."""

    def __init__(self, backend: Backend, errors: Counter) -> None:
        self.inner = backend
        self.errors = errors
        self.name = backend.name
        self.pushes_changes = backend.pushes_changes

    def _counted(self, operation: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except BackendError:
            self.errors.labels(self.name, operation).inc()
            raise

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        self._counted("submit", lambda: self.inner.submit(spec, on_change))

    def status(self, job_id: str) -> JobStatus:
        return self._counted("status", lambda: self.inner.status(job_id))

    def cancel(self, job_id: str) -> None:
        self._counted("cancel", lambda: self.inner.cancel(job_id))

    def logs(self, job_id: str) -> str:
        return self._counted("logs", lambda: self.inner.logs(job_id))

    def forget(self, job_id: str) -> None:
        self.inner.forget(job_id)

    def close(self) -> None:
        self.inner.close()
