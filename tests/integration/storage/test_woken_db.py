"""woken-db on a real PostgreSQL and on SQLite: migrations, results, jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from woken.states import JobState
from woken.storage.database import WokenDatabase
from woken.storage.migrate import check_models_match_migrations, upgrade_to_head
from woken.storage.models import Job


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'woken.db'}"
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def woken_db(database_url: str):
    upgrade_to_head(database_url)
    database = WokenDatabase(database_url)
    yield database
    database.dispose()


def test_migrations_match_the_models(database_url: str) -> None:
    upgrade_to_head(database_url)
    check_models_match_migrations(database_url)  # raises if a migration is missing


def test_job_result_has_the_original_columns(woken_db: WokenDatabase) -> None:
    columns = {c["name"]: c for c in sa.inspect(woken_db.engine).get_columns("job_result")}
    assert set(columns) == {
        "job_id", "node", "timestamp", "data", "error", "shape", "function", "parameters"
    }
    assert isinstance(columns["error"]["type"], sa.Text)
    primary_key = sa.inspect(woken_db.engine).get_pk_constraint("job_result")
    assert primary_key["constrained_columns"] == ["job_id", "node"]


def test_a_result_round_trips_with_long_error(woken_db: WokenDatabase) -> None:
    long_error = "Traceback ...\n" + "x" * 5000
    woken_db.save_result(
        job_id="j1", node="local", function="knn", shape="error", error=long_error,
        parameters={"k": "5"},
    )
    stored = woken_db.get_result("j1", "local")
    assert stored is not None
    assert stored.error == long_error
    assert stored.to_query_result()["jobId"] == "j1"


def test_saving_twice_replaces_the_result(woken_db: WokenDatabase) -> None:
    woken_db.save_result(job_id="j2", node="local", function="knn", shape="json", data={"a": 1})
    woken_db.save_result(job_id="j2", node="local", function="knn", shape="json", data={"a": 2})
    stored = woken_db.get_result("j2", "local")
    assert stored is not None and stored.data == {"a": 2}


def test_job_states_are_persisted(woken_db: WokenDatabase) -> None:
    woken_db.add_job(Job(
        id="j3", algorithm="knn", command="compute", state=JobState.PENDING.value,
        node="local", backend="local", request={"algorithm": {"code": "knn"}}, timeout_s=10,
    ))
    woken_db.set_job_state("j3", JobState.RUNNING)
    assert [j.id for j in woken_db.jobs_in_state(JobState.RUNNING)] == ["j3"]
    woken_db.set_job_state("j3", JobState.FAILED, exit_code=3, message="boom")
    job = woken_db.get_job("j3")
    assert job is not None
    assert (job.state, job.exit_code, job.message) == ("failed", 3, "boom")
    assert job.started_at is not None and job.finished_at is not None
