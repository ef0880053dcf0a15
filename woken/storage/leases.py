"""Leases in woken-db: which instance owns an experiment or a single job, and until when.

Several coordinators may share one PostgreSQL woken-db. Each experiment (and each
single job) is owned by one instance, named by its `node`, through a lease that the
owner renews while it works. When an instance dies its leases run out, and a live
instance adopts the work, as Airflow adopts the tasks of a dead scheduler.

A claim is one atomic `UPDATE … WHERE <lease expired>`: on PostgreSQL two instances
claiming the same row serialize on its row lock, and the second one re-reads the
row, sees the fresh lease and updates nothing; on SQLite writes are serialized.
The jobs of an experiment follow their experiment and carry no lease of their own.
Times are the instances' own UTC clocks: a clock that runs ahead may adopt work early,
but each claim takes a new fencing token (woken.storage.fencing), so the instance it was
taken from can no longer write: correctness does not depend on the clocks, only the
moment of an adoption does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, true, update

from woken.states import ExperimentState, JobState
from woken.storage.database import WokenDatabase
from woken.storage.tables import Experiment, Job, utc_now

UNFINISHED_EXPERIMENTS = (ExperimentState.PENDING.value, ExperimentState.RUNNING.value)
UNFINISHED_JOBS = (JobState.PENDING.value, JobState.QUEUED.value, JobState.RUNNING.value)


def lease_expiry(lease_s: float) -> datetime:
    return utc_now() + timedelta(seconds=lease_s)


@dataclass(frozen=True)
class Claim:
    """Which rows an instance may take over.

    `own`: also those leased to this node (a previous process of the same node, at
    start-up only: later they are this process's own work). `everything`: every
    unfinished row, whoever holds it (the embedded SQLite woken-db, whose data directory
    this process has locked: no other instance can be running anything in it).
    """

    own: bool = False
    everything: bool = False


class Leases:
    """The leases of one instance (`owner`) on woken-db."""

    def __init__(self, woken_db: WokenDatabase, owner: str, lease_s: float) -> None:
        self.woken_db = woken_db
        self.owner = owner
        self.lease_s = lease_s

    def renew(self) -> int:
        """Push back the expiry of every unfinished experiment and single job this owner holds."""
        until = lease_expiry(self.lease_s)
        renewed = 0
        with self.woken_db.session() as session, session.begin():
            for model, unfinished, extra in (
                (Experiment, UNFINISHED_EXPERIMENTS, true()),
                (Job, UNFINISHED_JOBS, Job.experiment_id.is_(None)),
            ):
                result = session.execute(
                    update(model)
                    .where(model.owner == self.owner, model.state.in_(unfinished), extra)
                    .values(lease_expires_at=until)
                )
                renewed += int(getattr(result, "rowcount", 0) or 0)
        return renewed

    def orphaned_experiments(self, claim: Claim) -> list[Experiment]:
        """The unfinished experiments this instance may adopt, oldest first."""
        query = select(Experiment).where(
            Experiment.state.in_(UNFINISHED_EXPERIMENTS), self._claimable(Experiment, claim)
        )
        with self.woken_db.session() as session:
            return list(session.scalars(query.order_by(Experiment.created_at)))

    def orphaned_jobs(self, claim: Claim) -> list[Job]:
        """The unfinished single jobs (not an experiment's) this instance may adopt."""
        query = select(Job).where(
            Job.state.in_(UNFINISHED_JOBS), Job.experiment_id.is_(None),
            self._claimable(Job, claim),
        )
        with self.woken_db.session() as session:
            return list(session.scalars(query.order_by(Job.created_at)))

    def claim_experiment(self, experiment_id: str, claim: Claim) -> bool:
        """Take the experiment's lease if it is still claimable; True when this owner got it."""
        return self._claim(Experiment, experiment_id, UNFINISHED_EXPERIMENTS, claim)

    def claim_job(self, job_id: str, claim: Claim) -> bool:
        return self._claim(Job, job_id, UNFINISHED_JOBS, claim)

    def _claim(
        self, model: type[Experiment] | type[Job], row_id: str, unfinished: tuple[str, ...],
        claim: Claim,
    ) -> bool:
        # Each claim takes the next fencing token: the previous holder's writes are refused
        # from now on, however long it stalled (woken.storage.fencing).
        query = (
            update(model)
            .where(model.id == row_id, model.state.in_(unfinished), self._claimable(model, claim))
            .values(owner=self.owner, lease_expires_at=lease_expiry(self.lease_s),
                    fence=model.fence + 1)
            .returning(model.fence)
        )
        with self.woken_db.session() as session, session.begin():
            token = session.execute(query).scalar_one_or_none()
        if token is None:
            return False
        self.woken_db.fences.hold(row_id, token)
        return True

    def _claimable(
        self, model: type[Experiment] | type[Job], claim: Claim
    ) -> ColumnElement[bool]:
        if claim.everything:
            return true()
        expired = or_(model.lease_expires_at.is_(None), model.lease_expires_at < utc_now())
        if claim.own:
            return or_(expired, model.owner == self.owner)
        # This process's own work is its own, even when a stall let a lease run out.
        return and_(expired, or_(model.owner.is_(None), model.owner != self.owner))
