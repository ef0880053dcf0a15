"""Fencing tokens: a stalled owner's writes are refused once another instance adopted its work.

A lease alone does not stop an instance that stalled past it (a long pause, SIGSTOP, a
frozen VM) from writing when it wakes up, after another instance adopted its experiment.
Each claim of an experiment or a single job therefore adds one to the row's `fence`,
and the claimant keeps the new value as its token. Every write the instance makes for
that experiment (or single job) runs, in its own transaction, a conditional
``UPDATE … SET fence = fence WHERE id = :row AND fence = :token`` first: it locks the row
(a concurrent claim waits for the write's commit, or the write for the claim's) and
matches nothing once the row was claimed again, and then the whole write is refused
with :class:`LeaseLost`. No clock is involved: only the order of the claims in woken-db.

A write that fails because woken-db does not answer (a restart, an outage) stops the
copy the same way: its later writes are refused here, without trying, so that nothing
half-written follows the outage; the instance claims the work again and resumes it from
woken-db once it answers (woken.system.adoption).
"""

from __future__ import annotations

import threading

from sqlalchemy import Update, bindparam, update
from sqlalchemy.orm import Session

from woken.errors import LeaseLost, WorkInterrupted
from woken.storage.tables import Experiment, Job

Owned = type[Experiment] | type[Job]
# The key of Session.info naming the row a write transaction is for.
OWNED = "woken.owned"


class Fences:
    """The tokens this process holds, by experiment id or single job id."""

    def __init__(self) -> None:
        self._tokens: dict[str, int] = {}
        # Rows whose write failed because woken-db did not answer: their copy here stops
        # (every later write of it is refused) until this process claims them again.
        self._interrupted: set[str] = set()
        self._lock = threading.Lock()

    def hold(self, row_id: str, token: int) -> None:
        with self._lock:
            self._tokens[row_id] = token
            self._interrupted.discard(row_id)

    def interrupt(self, row_id: str) -> None:
        with self._lock:
            if row_id in self._tokens:
                self._interrupted.add(row_id)

    def token(self, row_id: str) -> int | None:
        with self._lock:
            return self._tokens.get(row_id)

    def check(self, session: Session, model: Owned, row_id: str) -> None:
        """Raise LeaseLost, in the write's transaction, if the row was claimed since our token.

        Rows this process never created nor claimed carry no token here and are not checked
        (a tool's or a test's writes).
        """
        token = self.token(row_id)
        if token is None:
            return
        session.info[OWNED] = row_id  # what a failure of this transaction interrupts
        with self._lock:
            interrupted = row_id in self._interrupted
        if interrupted:
            raise WorkInterrupted(f"{row_id}: its copy here stopped when woken-db was "
                                  "unavailable; it resumes from woken-db")
        kept = session.execute(_FENCE_CHECK[model], {"row_id": row_id, "token": token})
        if not getattr(kept, "rowcount", 0):
            # The token is kept: every later write of this copy is refused the same way.
            what = "experiment" if model is Experiment else "job"
            raise LeaseLost(f"{what} {row_id} was adopted by another instance "
                            f"(its fencing token is past {token}): this copy stops")


def _fence_check(model: Owned) -> Update:
    """A write to the row that matches only while its token is ours (built once per table)."""
    return (update(model).where(model.id == bindparam("row_id"), model.fence == bindparam("token"))
            .values(fence=model.fence).execution_options(synchronize_session=False))


# Every write of an owned row runs its check first: built once, not per write.
_FENCE_CHECK: dict[Owned, Update] = {model: _fence_check(model) for model in (Experiment, Job)}


def fenced_row(job: Job) -> tuple[Owned, str]:
    """Whose lease covers a job: its experiment's, or its own for a single job."""
    return lease_owner(job.id, job.experiment_id)


def lease_owner(job_id: str, experiment_id: str | None) -> tuple[Owned, str]:
    """`fenced_row` of a job known by its id and experiment alone (its row not loaded)."""
    if experiment_id is not None:
        return Experiment, experiment_id
    return Job, job_id
