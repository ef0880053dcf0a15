"""What /metrics reports, read from woken-db: jobs and experiments with their timings.

Read at each scrape rather than counted as events: the numbers are right after a
restart and agree with what the API answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from woken.storage.database import WokenDatabase
from woken.storage.tables import Experiment, Job


@dataclass(frozen=True)
class Timed:
    """A job's or an experiment's algorithm, state and run time (None while it runs)."""

    algorithm: str
    state: str
    duration_s: float | None


def _duration(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def job_timings(woken_db: WokenDatabase) -> list[Timed]:
    query = select(Job.algorithm, Job.state, Job.created_at, Job.started_at, Job.finished_at)
    with woken_db.session() as session:
        return [
            Timed(algorithm, state, _duration(started or created, finished))
            for algorithm, state, created, started, finished in session.execute(query)
        ]


def experiment_timings(woken_db: WokenDatabase) -> list[Timed]:
    """One entry per algorithm of each experiment (an experiment runs several)."""
    query = select(Experiment.state, Experiment.request, Experiment.created_at,
                   Experiment.finished_at)
    timed: list[Timed] = []
    with woken_db.session() as session:
        for state, request, created, finished in session.execute(query):
            duration = _duration(created, finished)
            codes = {str(a.get("code")) for a in (request or {}).get("algorithms", [])
                     if isinstance(a, dict)}
            timed.extend(Timed(code, state, duration) for code in sorted(codes) or ["none"])
    return timed
