"""woken-db's federated runs: written when a central starts one, finished with its outcome.

A run is answered synchronously, so no other instance adopts it: a run still
``running`` when its node starts again was cut short by the stop, and is failed then
(`fail_interrupted`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from woken.states import ExperimentState
from woken.storage.database import WokenDatabase
from woken.storage.tables import FederatedRun, utc_now

INTERRUPTED = "interrupted: the central stopped before the run ended"


class FederatedRuns:
    """The federated runs in one woken-db."""

    def __init__(self, database: WokenDatabase) -> None:
        self.database = database

    def add(self, run_id: str, node: str, request: Any) -> None:
        with self.database.session() as session, session.begin():
            session.add(FederatedRun(id=run_id, node=node, request=request,
                                     state=ExperimentState.RUNNING.value))

    def finish(self, run_id: str, *, sites: dict[str, Any], result: Any = None,
               error: str | None = None, failed_site: str | None = None) -> None:
        """Record the outcome: the result (completed) or the error (failed)."""
        state = ExperimentState.FAILED if error is not None else ExperimentState.COMPLETED
        with self.database.session() as session, session.begin():
            run = session.get(FederatedRun, run_id)
            if run is None:
                raise KeyError(run_id)
            run.state, run.sites, run.result = state.value, sites, result
            run.error, run.failed_site, run.finished_at = error, failed_site, utc_now()

    def get(self, run_id: str) -> FederatedRun | None:
        with self.database.session() as session:
            return session.get(FederatedRun, run_id)

    def page(self, limit: int, offset: int) -> tuple[list[FederatedRun], int]:
        """A page of runs, newest first, and how many there are in all."""
        with self.database.session() as session:
            total = session.scalar(select(func.count()).select_from(FederatedRun)) or 0
            query = (select(FederatedRun).order_by(FederatedRun.created_at.desc(),
                                                    FederatedRun.id)
                     .limit(limit).offset(offset))
            return list(session.scalars(query)), total

    def fail_interrupted(self, node: str) -> int:
        """Fail the runs of ``node`` left running by its last stop; how many there were."""
        with self.database.session() as session, session.begin():
            ended = session.execute(
                update(FederatedRun)
                .where(FederatedRun.node == node,
                       FederatedRun.state == ExperimentState.RUNNING.value)
                .values(state=ExperimentState.FAILED.value, error=INTERRUPTED,
                        finished_at=utc_now()))
            return int(getattr(ended, "rowcount", 0) or 0)


def run_json(run: FederatedRun, with_result: bool = True) -> dict[str, Any]:
    """A run as the API answers it."""
    document: dict[str, Any] = {
        "id": run.id, "state": run.state, "node": run.node, "request": run.request,
        "sites": run.sites or {}, "error": run.error, "failedSite": run.failed_site,
        "createdAt": run.created_at.isoformat(),
        "finishedAt": run.finished_at.isoformat() if run.finished_at else None,
    }
    if with_result:
        document["result"] = run.result
    return document
