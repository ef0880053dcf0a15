"""woken-db on a real PostgreSQL and on SQLite: migrations, results, jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from woken.errors import WokenDbUnavailable, WorkInterrupted
from woken.states import JobState
from woken.storage.database import WokenDatabase
from woken.storage.leases import Claim, Leases, lease_expiry
from woken.storage.migrate import check_models_match_migrations, upgrade_to_head
from woken.storage.tables import Experiment, Job, utc_now


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


def pending_job(job_id: str, volume: Path, experiment_id: str | None = None) -> Job:
    return Job.pending(job_id, algorithm="knn", command="compute", node="node-a",
                       backend="local", request={}, volume=volume, timeout_s=10,
                       experiment_id=experiment_id)


def test_planned_jobs_that_will_never_run_end_with_the_reason(woken_db: WokenDatabase) -> None:
    woken_db.add_experiment(
        Experiment(id="e1", state="running", node="node-a", request={}, seed=1),
        [pending_job("t1", Path("/v"), "e1"), pending_job("t2", Path("/v"), "e1")],
    )
    woken_db.set_job_state("t2", JobState.RUNNING)
    ended = woken_db.end_unstarted_jobs(JobState.SKIPPED, "not run: its train failed",
                                        experiment_id="e1")
    assert ended == 1
    skipped, running = woken_db.get_job("t1"), woken_db.get_job("t2")
    assert skipped is not None and running is not None
    assert (skipped.state, skipped.message) == ("skipped", "not run: its train failed")
    assert skipped.finished_at is not None and running.state == "running"


def test_a_lease_is_claimed_once_renewed_by_its_owner_and_adopted_when_it_expires(
    woken_db: WokenDatabase,
) -> None:
    woken_db.add_experiment(Experiment(
        id="e1", state="running", node="node-a", request={}, seed=1,
        owner="node-a", lease_expires_at=lease_expiry(60),
    ), [])
    a, b, c = (Leases(woken_db, node, 60) for node in ("node-a", "node-b", "node-c"))
    assert b.orphaned_experiments(Claim()) == []  # node-a's lease runs
    assert not b.claim_experiment("e1", Claim())
    assert a.renew() == 1
    # node-a died: its lease ran out.
    with woken_db.session() as session, session.begin():
        session.get(Experiment, "e1").lease_expires_at = utc_now() - timedelta(seconds=1)
    assert [e.id for e in b.orphaned_experiments(Claim())] == ["e1"]
    assert [e.id for e in a.orphaned_experiments(Claim())] == []  # not its own, while it runs
    assert b.claim_experiment("e1", Claim())
    assert not c.claim_experiment("e1", Claim()), "claimed once"
    assert a.renew() == 0, "the old owner renews nothing it lost"
    experiment = woken_db.get_experiment("e1")
    assert experiment is not None and experiment.owner == "node-b"
    assert experiment.lease_expires_at is not None and experiment.lease_expires_at > utc_now()
    # At start-up a node takes back its own work; on SQLite, under its lock, everything.
    assert b.claim_experiment("e1", Claim(own=True))
    assert c.claim_experiment("e1", Claim(everything=True))


def test_single_jobs_have_leases_and_experiments_jobs_follow_their_experiment(
    woken_db: WokenDatabase,
) -> None:
    single = pending_job("s1", Path("/v"))
    single.lease_expires_at = utc_now() - timedelta(seconds=1)
    woken_db.add_job(single)
    woken_db.add_experiment(
        Experiment(id="e2", state="running", node="node-a", request={}, seed=1),
        [pending_job("x1", Path("/v"), "e2")],
    )
    b = Leases(woken_db, "node-b", 60)
    assert [job.id for job in b.orphaned_jobs(Claim())] == ["s1"]
    assert b.claim_job("s1", Claim()) and not b.claim_job("s1", Claim())


def test_a_state_write_that_cannot_reach_woken_db_stops_its_experiment_here(
    tmp_path: Path,
) -> None:
    """Given its owner, the first write of a job that fails interrupts the experiment's copy.

    (Read from the row instead, the owner was what failed first: nothing was interrupted,
    and the experiment went on with jobs it could no longer record.)
    """
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:///{folder / 'woken.db'}"
    upgrade_to_head(url)
    woken_db = WokenDatabase(url)
    try:
        woken_db.add_experiment(
            Experiment(id="e1", state="running", node="node-a", request={}, seed=1),
            [pending_job("j1", Path("/v"), "e1")],
        )
        woken_db.engine.dispose()
        folder.rename(tmp_path / "away")  # no connection can open it
        with pytest.raises(WokenDbUnavailable):
            woken_db.set_job_state("j1", JobState.QUEUED, owner=(Experiment, "e1"))
        (tmp_path / "away").rename(folder)
        with pytest.raises(WorkInterrupted):
            woken_db.set_job_state("j1", JobState.QUEUED, owner=(Experiment, "e1"))
    finally:
        woken_db.dispose()


def test_a_state_write_of_a_job_without_a_row_is_a_key_error(woken_db: WokenDatabase) -> None:
    with pytest.raises(KeyError):
        woken_db.set_job_state("nowhere", JobState.QUEUED, owner=(Job, "nowhere"))
    with pytest.raises(KeyError):
        woken_db.set_job_state("nowhere", JobState.QUEUED)
