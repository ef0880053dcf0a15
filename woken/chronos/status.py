"""Reading a job's state from what Chronos says about it (contract §6).

Chronos has no "job status" route. A job is found by exact name among the
search results (the search matches substrings), and its state is read from
the job document and from the dependency graph's CSV:

- no such job: lost (the caller decides whether that is still "not seen yet");
- ``successCount > 0``: succeeded;
- ``errorCount > 0`` or ``softError``, without a success: failed;
- otherwise (still enabled, or disabled a moment before its counters move):
  running if the graph says ``running``, else queued.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ChronosState(StrEnum):
    """A job's state as read from Chronos; LOST, SUCCEEDED and FAILED are terminal."""

    LOST = "lost"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in {ChronosState.LOST, ChronosState.SUCCEEDED, ChronosState.FAILED}


@dataclass(frozen=True)
class ChronosJobStatus:
    """A job's state, with Chronos's message and the job document it was read from."""

    state: ChronosState
    message: str = ""
    job: Mapping[str, Any] | None = None


def find_exact(jobs: Iterable[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    """The job named exactly `name` among search results, or None."""
    for job in jobs:
        if job.get("name") == name:
            return job
    return None


def parse_graph_csv(text: str) -> dict[str, tuple[str, str]]:
    """`node,NAME,success|failure|fresh,idle|queued|running` lines → {name: (last, state)}."""
    graph: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) >= 4 and parts[0] == "node":
            graph[parts[1]] = (parts[2], parts[3])
    return graph


def read_status(job: Mapping[str, Any] | None, graph_state: str | None = None) -> ChronosJobStatus:
    """Apply the status rules to one job document (None: Chronos has no such job)."""
    if job is None:
        return ChronosJobStatus(ChronosState.LOST, "Chronos has no such job")
    successes = _count(job.get("successCount"))
    errors = _count(job.get("errorCount"))
    if successes > 0:
        return ChronosJobStatus(ChronosState.SUCCEEDED, _when("succeeded", job, "lastSuccess"), job)
    if errors > 0 or job.get("softError") is True:
        return ChronosJobStatus(ChronosState.FAILED, _when("failed", job, "lastError"), job)
    if graph_state == "running":
        return ChronosJobStatus(ChronosState.RUNNING, "running", job)
    return ChronosJobStatus(ChronosState.QUEUED, "waiting for Mesos to run it", job)


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _when(verb: str, job: Mapping[str, Any], key: str) -> str:
    at = job.get(key) or ""
    return f"Chronos reports the job {verb}" + (f" at {at}" if at else "")
