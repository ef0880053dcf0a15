"""Fencing tokens on a real PostgreSQL (and SQLite): a superseded owner's writes are refused.

Two WokenDatabase objects on one database are two instances: each holds its own tokens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.integration.storage.test_woken_db import pending_job
from woken.errors import LeaseLost
from woken.states import ExperimentState, JobState
from woken.storage.database import ResultRow, WokenDatabase
from woken.storage.leases import Claim, Leases, lease_expiry
from woken.storage.migrate import upgrade_to_head
from woken.storage.tables import Experiment, utc_now


@pytest.fixture
def instances(database_url: str) -> Iterator[tuple[WokenDatabase, WokenDatabase]]:
    upgrade_to_head(database_url)
    a, b = WokenDatabase(database_url), WokenDatabase(database_url)
    yield a, b
    a.dispose()
    b.dispose()


def expire(woken_db: WokenDatabase, experiment_id: str) -> None:
    with woken_db.session() as session, session.begin():
        session.get(Experiment, experiment_id).lease_expires_at = (
            utc_now() - timedelta(seconds=1))


def adopted(instances: tuple[WokenDatabase, WokenDatabase]) -> tuple[WokenDatabase, ...]:
    """node-a plans e1 (jobs t1, t2) and stalls; its lease runs out; node-b adopts e1."""
    a, b = instances
    a.add_experiment(Experiment(id="e1", state="running", node="node-a", request={}, seed=1,
                                owner="node-a", lease_expires_at=lease_expiry(60)),
                     [pending_job("t1", Path("/v"), "e1"), pending_job("t2", Path("/v"), "e1")])
    a.set_job_state("t1", JobState.RUNNING)
    expire(a, "e1")
    assert Leases(b, "node-b", 60).claim_experiment("e1", Claim())
    assert b.fences.token("e1") == 1 and a.fences.token("e1") == 0
    return a, b


def test_each_claim_takes_a_greater_token(
    instances: tuple[WokenDatabase, WokenDatabase],
) -> None:
    a, b = adopted(instances)
    expire(b, "e1")
    assert Leases(a, "node-a", 60).claim_experiment("e1", Claim())
    assert a.fences.token("e1") == 2
    experiment = a.get_experiment("e1")
    assert experiment is not None and experiment.fence == 2


def test_the_superseded_owner_writes_nothing(
    instances: tuple[WokenDatabase, WokenDatabase],
) -> None:
    a, b = adopted(instances)
    result = ResultRow("t1", "node-a", "knn", "error", error="from the stalled copy")
    refused = [
        lambda: a.finish_job("t1", JobState.SUCCEEDED, result),
        lambda: a.set_job_state("t2", JobState.QUEUED),
        lambda: a.add_job(pending_job("t2", Path("/elsewhere"), "e1")),
        lambda: a.end_unstarted_jobs(JobState.SKIPPED, "stale", experiment_id="e1"),
        lambda: a.end_unstarted_jobs(JobState.SKIPPED, "stale", job_ids=("t2",)),
        lambda: a.update_experiment("e1", state=ExperimentState.COMPLETED, result={"x": 1}),
        lambda: a.save_result(job_id="t1", node="node-a", function="knn", shape="error",
                              error="stale"),
    ]
    for write in refused:
        with pytest.raises(LeaseLost, match="experiment e1 was adopted by another instance"):
            write()
    t1, t2, experiment = a.get_job("t1"), a.get_job("t2"), a.get_experiment("e1")
    assert t1 is not None and (t1.state, t1.finished_at) == ("running", None)
    assert t2 is not None and (t2.state, t2.volume) == ("pending", "/v")
    assert experiment is not None and (experiment.state, experiment.result) == ("running", None)
    assert a.get_result("t1", "node-a") is None
    # The adopter writes.
    b.finish_job("t1", JobState.SUCCEEDED, ResultRow("t1", "node-b", "knn", "error"))
    b.update_experiment("e1", state=ExperimentState.COMPLETED)
    assert (a.get_job("t1") or t1).state == "succeeded"


def test_a_single_job_is_fenced_by_its_own_lease(
    instances: tuple[WokenDatabase, WokenDatabase],
) -> None:
    a, b = instances
    single = pending_job("s1", Path("/v"))
    single.lease_expires_at = utc_now() - timedelta(seconds=1)
    a.add_job(single)
    assert Leases(b, "node-b", 60).claim_job("s1", Claim())
    with pytest.raises(LeaseLost, match="job s1 was adopted"):
        a.set_job_state("s1", JobState.RUNNING)
    b.set_job_state("s1", JobState.LOST, message="its owner stalled")
    job = b.get_job("s1")
    assert job is not None and job.state == "lost"


def test_a_write_racing_a_claim_is_either_before_it_or_refused(
    instances: tuple[WokenDatabase, WokenDatabase],
) -> None:
    """The check locks the row: no write of the old token commits after the claim."""
    a, b = instances
    a.add_experiment(Experiment(id="e1", state="running", node="node-a", request={}, seed=1,
                                owner="node-a", lease_expires_at=lease_expiry(60)), [])
    expire(a, "e1")
    outcomes: list[str] = []

    def write_many() -> None:
        for n in range(200):
            try:
                a.update_experiment("e1", error=f"write {n} of node-a")
            except LeaseLost:
                outcomes.append(f"refused at {n}")
                return
        outcomes.append("never refused")

    writer = threading.Thread(target=write_many)
    writer.start()
    assert Leases(b, "node-b", 60).claim_experiment("e1", Claim())
    claimed = b.get_experiment("e1")
    writer.join(60)
    assert not writer.is_alive()
    final = b.get_experiment("e1")
    assert claimed is not None and final is not None
    # Whatever node-a wrote, it wrote before the claim: the row has not changed since.
    assert final.error == claimed.error
    assert outcomes and (outcomes[0].startswith("refused") or outcomes == ["never refused"])
