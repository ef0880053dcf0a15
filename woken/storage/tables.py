"""SQLAlchemy models of woken-db, which the Alembic migrations in ``migrations/`` create."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, MetaData, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from woken.states import JobState

# Constraint names that Alembic autogenerate and `alembic check` can compare.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonDocument = JSON().with_variant(JSONB(), "postgresql")


def utc_now() -> datetime:
    """Naive UTC, as the original's `timestamp` (without time zone) column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Base of the models, with the naming convention of their constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class JobResult(Base):
    """One algorithm's result, wire-compatible with the original's `job_result` table."""

    __tablename__ = "job_result"

    job_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    node: Mapped[str] = mapped_column(String(32), primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(
        DateTime(), default=utc_now, server_default=func.now()
    )
    data: Mapped[str | None] = mapped_column(Text)
    # Text, not the 2017 varchar(256): long errors must be saved whole.
    error: Mapped[str | None] = mapped_column(Text)
    shape: Mapped[str] = mapped_column(String(256))
    function: Mapped[str | None] = mapped_column(String(256))
    parameters: Mapped[Any | None] = mapped_column(JsonDocument)


class Job(Base):
    """A job Woken coordinates, written before it is submitted so a restart knows of it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(128))
    command: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    node: Mapped[str] = mapped_column(String(32))
    backend: Mapped[str] = mapped_column(String(32))
    request: Mapped[Any] = mapped_column(JsonDocument)
    volume: Mapped[str | None] = mapped_column(Text)
    timeout_s: Mapped[float] = mapped_column(Float)
    exit_code: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
    # For the jobs of an experiment: which one, and which step of it (see woken.actors.steps).
    experiment_id: Mapped[str | None] = mapped_column(String(64), index=True)
    step: Mapped[str | None] = mapped_column(String(128))
    # Where it ran, when the backend says (a Dask worker's address): the test of a
    # train/test pair is pinned there.
    host: Mapped[str | None] = mapped_column(String(256))
    # A single job's 2019 result fields (dataProvenance, feedback, query, user), known
    # at planning and shown with its result (see woken.planning.provenance).
    context: Mapped[Any | None] = mapped_column(JsonDocument)
    # The instance that runs it and until when it holds it (woken.system.leases): the owner
    # renews the lease while it works; another instance adopts the work once it expired.
    owner: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime())
    # The lease's fencing token: one more at each claim (woken.storage.fencing); a write
    # of the owner's is refused once another instance has claimed the row since.
    fence: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    @classmethod
    def pending(
        cls,
        job_id: str,
        *,
        algorithm: str,
        command: str,
        node: str,
        backend: str,
        request: Any,
        volume: Path,
        timeout_s: float,
        experiment_id: str | None = None,
        step: str | None = None,
        context: Any = None,
        lease_expires_at: datetime | None = None,
        state: JobState = JobState.PENDING,
    ) -> Job:
        """The row of a job about to run: single jobs and experiments' plans build it here.

        Owned by `node`; a single job holds a lease (`lease_expires_at`), an
        experiment's job follows its experiment's.
        """
        return cls(
            id=job_id, algorithm=algorithm, command=command, state=state.value,
            node=node, backend=backend, request=request, volume=str(volume),
            timeout_s=timeout_s, experiment_id=experiment_id, step=step, context=context,
            owner=node, lease_expires_at=lease_expires_at,
        )


class Experiment(Base):
    """An experiment, written before any of its jobs starts so that a restart can resume it."""

    __tablename__ = "experiments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    node: Mapped[str] = mapped_column(String(32))
    request: Mapped[Any] = mapped_column(JsonDocument)
    # Folds are drawn from this seed: a resumed experiment splits its rows the same way.
    seed: Mapped[int] = mapped_column(Integer)
    # The QueryResult so far (algorithms not yet finished are null in its data).
    result: Mapped[Any | None] = mapped_column(JsonDocument)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utc_now, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
    # The instance that runs it and until when it holds it (woken.system.leases): the owner
    # renews the lease while it works; another instance adopts the work once it expired.
    owner: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime())
    # The lease's fencing token: one more at each claim (woken.storage.fencing); a write
    # of the owner's is refused once another instance has claimed the row since.
    fence: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))




class FederatedRun(Base):
    """A central's federated run: the request, each site's part, the result or the failure.

    Written before the first site is asked (state ``running``), and finished with the
    result (``completed``) or the error and the site that caused it (``failed``).
    """

    __tablename__ = "federated_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    node: Mapped[str] = mapped_column(String(32))
    request: Mapped[Any] = mapped_column(JsonDocument)
    # Per site: its state (answered, failed, not asked), requests, bytes sent, rows sent
    # (0), and why it failed.
    sites: Mapped[Any | None] = mapped_column(JsonDocument)
    result: Mapped[Any | None] = mapped_column(JsonDocument)
    error: Mapped[str | None] = mapped_column(Text)
    failed_site: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utc_now, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
