"""Access to woken-db: one engine, a short session per call, safe to use from any thread."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import Table
from sqlalchemy.sql import Executable

from woken._guards.database_errors import report_unavailable
from woken.algorithms.common import json_text
from woken.errors import WokenDbUnavailable
from woken.shapes import mime_type
from woken.states import ExperimentState, JobState
from woken.storage.checkpoints import WalCheckpointer
from woken.storage.fencing import OWNED, Fences, Owned, fenced_row, lease_owner
from woken.storage.tables import Experiment, Job, JobResult, utc_now
from woken.storage.urls import engine_url


@dataclass(frozen=True)
class StoredResult:
    """A `job_result` row with its data decoded: what the API answers (the QueryResult)."""

    job_id: str
    node: str
    timestamp: datetime
    function: str | None
    shape: str
    data: Any
    error: str | None

    def to_query_result(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        """The 2017 fields, and beside them the 2019 ones.

        `type`, `algorithm`, and `dataProvenance`, `feedback`, `query` from the job's
        ``context``.
        """
        return {
            "jobId": self.job_id,
            "node": self.node,
            "timestamp": self.timestamp.timestamp(),
            "function": self.function,
            "shape": self.shape,
            "type": mime_type(self.shape),
            "algorithm": self.function,
            "dataProvenance": [],
            "feedback": [],
            "query": None,
            **(context or {}),
            "data": self.data,
            "error": self.error,
        }


# A transaction of Woken's never waits between its statements: one left open that long is
# an instance that stalled mid-write (a long pause, SIGSTOP, a frozen VM). PostgreSQL ends
# it, so that its row locks do not stop another instance from adopting its work (its
# commit then fails: woken.storage.fencing); and a database that does not answer a
# connection is an error, not a hang.
IDLE_IN_TRANSACTION_S = 10
CONNECT_TIMEOUT_S = 10
POSTGRES_SESSION = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "options": f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S * 1000}",
}


# The JSON columns (an experiment's result) as the job results: orjson's text.
JSON_CODEC: dict[str, Any] = {"json_serializer": json_text.dumps_text,
                              "json_deserializer": json_text.loads}


def create_database_engine(url: str) -> Engine:
    """An engine tuned for concurrent use by actor threads on SQLite and PostgreSQL."""
    engine = _create_engine(url)
    report_unavailable(engine, "woken-db", WokenDbUnavailable)
    return engine


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            engine_url(url), connect_args={"check_same_thread": False, "timeout": 30},
            **JSON_CODEC,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the HTTP thread read while an actor writes.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # With WAL, NORMAL loses nothing when the process crashes (only, at worst, the
            # last commits on an OS crash or power loss) and spares an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(engine_url(url), pool_pre_ping=True, connect_args=POSTGRES_SESSION,
                         **JSON_CODEC)


class WokenDatabase:
    """woken-db's jobs, experiments and results, read and written in short sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite's log is copied back beside the writers, not in one of their commits.
        self._checkpointer = (
            WalCheckpointer(self.engine) if self.engine.dialect.name == "sqlite" else None
        )
        # The fencing tokens of the experiments and single jobs this process owns: every
        # write for one of them is refused once another instance claimed it since.
        self.fences = Fences()

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A write, committed at the end.

        If woken-db stops answering, the work it was for stops here (``Fences.interrupt``)
        and is resumed from woken-db later.
        """
        session = self.session()
        try:
            with session, session.begin():
                yield session
        except WokenDbUnavailable:
            owned = session.info.get(OWNED)
            if owned is not None:
                self.fences.interrupt(owned)
            raise

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.engine.dispose()

    # Jobs

    def add_job(self, job: Job) -> None:
        """Insert a job, or replace the row of one written earlier (an experiment's plan)."""
        model, row_id = fenced_row(job)
        with self._transaction() as session:
            self.fences.check(session, model, row_id)
            _upsert(session, job)
        if model is Job and self.fences.token(row_id) is None:
            self.fences.hold(row_id, 0)  # a new single job: this process owns it

    def get_job(self, job_id: str) -> Job | None:
        with self.session() as session:
            return session.get(Job, job_id)

    def set_job_state(
        self,
        job_id: str,
        state: JobState,
        *,
        exit_code: int | None = None,
        message: str | None = None,
        host: str | None = None,
        started_at: datetime | None = None,
        owner: tuple[Owned, str] | None = None,
    ) -> None:
        """Write the job's state; ``started_at``: when it started, if not written yet.

        ``owner``: whose lease covers the job (`fencing.lease_owner`), if the caller knows
        it. It spares reading it, and a write that fails because woken-db does not answer
        then stops that owner's work here (`Fences.interrupt`) even if it failed first.
        """
        with self._transaction() as session:
            self._update_job(session, job_id, state, exit_code, message, host, started_at,
                             owner)

    def finish_job(
        self,
        job_id: str,
        state: JobState,
        result: ResultRow,
        *,
        exit_code: int | None = None,
        message: str | None = None,
        host: str | None = None,
        started_at: datetime | None = None,
        owner: tuple[Owned, str] | None = None,
    ) -> StoredResult:
        """Store a job's result and its final state in one transaction (one commit per job end).

        ``owner``: as for `set_job_state`.
        """
        row = result.row()
        with self._transaction() as session:
            self._update_job(session, job_id, state, exit_code, message, host, started_at,
                             owner)
            _upsert(session, row)
        # The data as given (JSON values), not its text decoded again.
        return _decoded(row, result.data)

    def end_unstarted_jobs(
        self, state: JobState, reason: str, *, experiment_id: str | None = None,
        job_ids: tuple[str, ...] = (),
    ) -> int:
        """End the still pending jobs (of an experiment, or these) that will never run.

        Only PENDING rows change: a job that started has its own outcome to record.
        Returns how many were ended.
        """
        query = update(Job).where(Job.state == JobState.PENDING.value)
        if experiment_id is not None:
            query = query.where(Job.experiment_id == experiment_id)
        if job_ids:
            query = query.where(Job.id.in_(job_ids))
        with self._transaction() as session:
            if experiment_id is not None:
                self.fences.check(session, Experiment, experiment_id)
            jobs = session.scalars(select(Job).where(Job.id.in_(job_ids))).all() if job_ids else ()
            for owned in {fenced_row(job) for job in jobs}:
                self.fences.check(session, *owned)
            ended = session.execute(
                query.values(state=state.value, message=reason, finished_at=utc_now())
            )
            return int(getattr(ended, "rowcount", 0) or 0)

    def jobs_in_state(self, *states: JobState) -> list[Job]:
        with self.session() as session:
            query = select(Job).where(Job.state.in_([s.value for s in states]))
            return list(session.scalars(query.order_by(Job.created_at)))

    def jobs_of_experiment(self, experiment_id: str) -> list[Job]:
        with self.session() as session:
            query = select(Job).where(Job.experiment_id == experiment_id)
            return list(session.scalars(query.order_by(Job.step)))

    def list_single_jobs(self, limit: int, offset: int) -> tuple[list[Job], int]:
        """A page of the single jobs (not an experiment's), newest first, and their count."""
        single = Job.experiment_id.is_(None)
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(Job).where(single)) or 0
            query = (
                select(Job).where(single)
                .order_by(Job.created_at.desc(), Job.id)
                .limit(limit)
                .offset(offset)
            )
            return list(session.scalars(query)), total

    # Experiments

    def add_experiment(self, experiment: Experiment, jobs: list[Job]) -> None:
        """Write an experiment and all its planned jobs in one transaction."""
        with self._transaction() as session:
            session.add(experiment)
            session.add_all(jobs)
        self.fences.hold(experiment.id, experiment.fence or 0)

    def get_experiment(self, experiment_id: str) -> Experiment | None:
        with self.session() as session:
            return session.get(Experiment, experiment_id)

    def update_experiment(
        self,
        experiment_id: str,
        *,
        state: ExperimentState | None = None,
        result: Any = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if state is not None:
            values["state"] = state.value
            if state.is_terminal:
                values["finished_at"] = utc_now()
        if result is not None:
            values["result"] = result
        if error is not None:
            values["error"] = error
        with self._transaction() as session:
            self.fences.check(session, Experiment, experiment_id)
            # One UPDATE: loading the row first decoded the result it replaces (megabytes
            # when the models are k-NN codebooks).
            updated = session.execute(
                update(Experiment).where(Experiment.id == experiment_id)
                .values(values or {"id": experiment_id})
                .execution_options(synchronize_session=False)
            )
            if not getattr(updated, "rowcount", 0):
                raise KeyError(experiment_id)

    def experiments_in_state(self, *states: ExperimentState) -> list[Experiment]:
        with self.session() as session:
            query = select(Experiment).where(Experiment.state.in_([s.value for s in states]))
            return list(session.scalars(query.order_by(Experiment.created_at)))

    def list_experiments(self, limit: int, offset: int) -> tuple[list[Experiment], int]:
        """A page of experiments, newest first, and how many there are in all."""
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(Experiment)) or 0
            query = (
                select(Experiment)
                .order_by(Experiment.created_at.desc(), Experiment.id)
                .limit(limit)
                .offset(offset)
            )
            return list(session.scalars(query)), total

    # Results

    def save_result(
        self,
        *,
        job_id: str,
        node: str,
        function: str | None,
        shape: str,
        data: Any = None,
        error: str | None = None,
        parameters: Any = None,
    ) -> StoredResult:
        """Insert or replace the result of a job on a node."""
        row = ResultRow(job_id, node, function, shape, data, error, parameters).row()
        with self._transaction() as session:
            owner = _lease_owner_of(session, job_id)
            if owner is not None:
                self.fences.check(session, *owner)
            _upsert(session, row)
        return _decoded(row)

    def get_result(self, job_id: str, node: str) -> StoredResult | None:
        with self.session() as session:
            row = session.get(JobResult, (job_id, node))
            return None if row is None else _decoded(row)

    def _update_job(
        self,
        session: Session,
        job_id: str,
        state: JobState,
        exit_code: int | None,
        message: str | None,
        host: str | None,
        started_at: datetime | None = None,
        owner: tuple[Owned, str] | None = None,
    ) -> None:
        """One UPDATE of the job's row (its lease checked first); KeyError if there is none.

        The row is not loaded: its request and context (JSON) would be decoded for nothing.
        ``owner``: whose lease covers it, read from its row if not given.
        """
        if owner is None:
            owner = _lease_owner_of(session, job_id)
            if owner is None:
                raise KeyError(job_id)
        self.fences.check(session, *owner)
        updated = session.execute(
            update(Job).where(Job.id == job_id)
            .values(_state_values(state, exit_code, message, host, started_at))
            .execution_options(synchronize_session=False)
        )
        if not getattr(updated, "rowcount", 0):
            raise KeyError(job_id)


@dataclass(frozen=True)
class ResultRow:
    """A job's result about to be stored (`WokenDatabase.finish_job`)."""

    job_id: str
    node: str
    function: str | None
    shape: str
    data: Any = None
    error: str | None = None
    parameters: Any = None

    def row(self) -> JobResult:
        return JobResult(
            job_id=self.job_id,
            node=self.node,
            timestamp=utc_now(),
            function=self.function,
            shape=self.shape,
            data=None if self.data is None else json_text.dumps_text(self.data),
            error=self.error,
            parameters=self.parameters,
        )


def _upsert(session: Session, row: JobResult | Job) -> None:
    """Insert the row, or update the stored one with the same key: one statement.

    As ``Session.merge`` did, only the attributes set on ``row`` are written (a
    column it leaves unset keeps its stored value, or gets its default in a new
    row); merge selected the row first, then wrote it: two round trips and a flush.
    """
    table = type(row).__table__
    given = {column.key: getattr(row, column.key) for column in table.columns
             if column.key in vars(row)}
    dialect = session.get_bind().dialect.name
    session.execute(_upsert_statement(dialect, table, tuple(given)), given)


@functools.lru_cache(maxsize=32)
def _upsert_statement(dialect: str, table: Table, columns: tuple[str, ...]) -> Executable:
    """The upsert of these columns, built once.

    Its ``excluded`` alias alone made a new proxy of every column of the table each
    time: two thirds of a job row's write.
    """
    statement = _INSERT_BY_DIALECT[dialect](table)
    keys = [column.key for column in table.primary_key]
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={key: statement.excluded[key] for key in columns if key not in keys},
    )


# The experiment of a job (None for a single job), read before every write of its state.
_EXPERIMENT_OF_JOB = select(Job.experiment_id).where(Job.id == bindparam("job_id"))


def _lease_owner_of(session: Session, job_id: str) -> tuple[Owned, str] | None:
    """Whose lease covers the stored job (`fencing.lease_owner`); None if there is no row.

    Only its experiment's id is read: the row's request and context (JSON) are not decoded.
    """
    found = session.execute(_EXPERIMENT_OF_JOB, {"job_id": job_id}).first()
    return None if found is None else lease_owner(job_id, found[0])


# The INSERT that knows ON CONFLICT, of each database Woken supports.
_INSERT_BY_DIALECT: dict[str, Callable[..., Any]] = {
    "sqlite": sqlite.insert, "postgresql": postgresql.insert,
}


def _state_values(
    state: JobState, exit_code: int | None, message: str | None, host: str | None,
    started_at: datetime | None,
) -> dict[str, Any]:
    """The columns a change of state writes; a start time is kept once written."""
    now = utc_now()
    values: dict[str, Any] = {"state": state.value}
    if started_at is not None or state is JobState.RUNNING:
        values["started_at"] = func.coalesce(Job.started_at, started_at or now)
    if state.is_terminal:
        values["finished_at"] = now
    if exit_code is not None:
        values["exit_code"] = exit_code
    if message is not None:
        values["message"] = message
    if host is not None:
        values["host"] = host
    return values


# `_decoded`'s mark of "decode the row's text".
_UNDECODED: Any = object()


def _decoded(row: JobResult, data: Any = _UNDECODED) -> StoredResult:
    """The row with its data decoded, or with ``data`` (its value before it was encoded)."""
    if data is _UNDECODED:
        data = row.data
        if row.data is not None:
            try:
                data = json_text.loads(row.data)
            except json_text.DecodeError:
                # Legacy images may store non-JSON data (YAML, HTML, SVG): hand it on as text.
                data = row.data
    return StoredResult(
        job_id=row.job_id,
        node=row.node,
        timestamp=row.timestamp,
        function=row.function,
        shape=row.shape,
        data=data,
        error=row.error,
    )
