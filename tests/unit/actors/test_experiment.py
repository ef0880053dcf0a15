"""ExperimentActor: one AlgorithmActor per algorithm; the reply is called exactly once."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pykka
import pytest
from sqlalchemy import select

from tests.support.stub_backend import Fail, Hang, Succeed, predictions
from tests.support.waiting import wait_until
from tests.unit.actors.support import (
    Inbox,
    StubContext,
    algorithm_plan,
    algorithm_spec,
    batch_result,
    experiment_plan,
    job_id_of,
    resumed,
    stopped,
)
from woken.actors import experiment as experiment_module
from woken.actors.experiment import ExperimentActor
from woken.actors.messages import AlgorithmCompleted, Cancel, Start
from woken.catalogue.registry import BATCHED_COMMAND, AlgorithmSpec
from woken.planning.experiment_plan import ExperimentPlan
from woken.storage.tables import Job
from woken.system.experiments import persist_experiment


@pytest.fixture
def two_algorithms(context: StubContext, spec: AlgorithmSpec) -> ExperimentPlan:
    stats = algorithm_spec(context.config.data_dir / "stats", "stubStats", predictive=False)
    plan = experiment_plan(algorithm_plan(spec, 0, k=2), algorithm_plan(stats, 1, k=2))
    persist_experiment(context, plan)  # type: ignore[arg-type]
    return plan


@pytest.fixture
def cancel_unblocked() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def start_experiment(context: StubContext, plan: ExperimentPlan, inbox: Inbox) -> pykka.ActorRef:
    actor = ExperimentActor.start(context, plan, inbox.reply)
    actor.tell(Start())
    return actor


def stored(context: StubContext, plan: ExperimentPlan) -> tuple[str, str | None, Any]:
    experiment = context.woken_db.get_experiment(plan.experiment_id)
    assert experiment is not None
    return experiment.state, experiment.error, experiment.result


def test_a_completed_experiment_has_every_algorithm_and_is_stored(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"weights": [2.0]}), command="compute")
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    actor = start_experiment(context, two_algorithms, inbox)
    assert context.experiments.get(two_algorithms.experiment_id) == actor

    result = inbox.only()
    assert result["jobId"] == two_algorithms.experiment_id and result["error"] is None
    assert [e["code"] for e in result["data"]] == ["stubModel", "stubStats"]
    assert all(e["error"] is None for e in result["data"])
    assert result["leaderboard"]["metric"] == "R-squared"
    assert [row.get("rank") for row in result["leaderboard"]["rows"]] == [1, None]
    state, error, stored_result = stored(context, two_algorithms)
    assert (state, error) == ("completed", None)
    assert stored_result["data"] == result["data"]
    assert stopped(actor) and len(context.experiments) == 0


def test_a_failed_algorithm_is_an_entry_error_not_an_experiment_failure(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=5, stderr="boom"), algorithm="stubStats")
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    start_experiment(context, two_algorithms, inbox)

    result = inbox.only()
    model, stats = result["data"]
    assert model["error"] is None and "exit code 5" in stats["error"]
    assert stored(context, two_algorithms)[0] == "completed"


def test_cancel_ends_the_experiment_cancelled_with_what_finished(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox
) -> None:
    context.backend.script(Hang(), algorithm="stubModel")
    actor = start_experiment(context, two_algorithms, inbox)
    context.backend.wait_for("submit", 4)
    actor.tell(Cancel("cancelled by the client"))

    result = inbox.only()
    model, stats = result["data"]
    assert "was cancelled: cancelled by the client" in model["error"]
    assert stats["error"] is None
    assert stored(context, two_algorithms)[:2] == ("cancelled", "cancelled by the client")


def test_an_ended_algorithm_is_stored_while_the_others_run(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(experiment_module, "PARTIAL_RESULT_DELAY_S", 0.05)
    context.backend.script(Hang(), algorithm="stubModel")
    actor = start_experiment(context, two_algorithms, inbox)

    def stats_stored() -> bool:
        result = stored(context, two_algorithms)[2] or {}
        entries = [e for e in result.get("data") or [] if e]
        return any(e["code"] == "stubStats" and e["error"] is None for e in entries)

    wait_until(stats_stored)
    assert stored(context, two_algorithms)[0] == "running"
    actor.tell(Cancel("done looking"))
    assert inbox.only()["data"][1]["error"] is None


def test_an_experiment_whose_algorithms_end_together_is_written_once_at_its_end(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(experiment_module, "PARTIAL_RESULT_DELAY_S", 60.0)
    writes: list[dict[str, Any]] = []
    update = context.woken_db.update_experiment
    monkeypatch.setattr(context.woken_db, "update_experiment",
                        lambda *args, **kwargs: writes.append(kwargs) or update(*args, **kwargs))
    context.backend.script(Succeed(data={"weights": [2.0]}), command="compute")
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    start_experiment(context, two_algorithms, inbox)

    inbox.only()
    # RUNNING at the start, COMPLETED with the result at the end: no write in between.
    assert [w.get("state") for w in writes] == ["running", "completed"]
    assert stored(context, two_algorithms)[0] == "completed"


def test_the_experiment_timeout_cancels_it(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox
) -> None:
    context.config = dataclasses.replace(context.config, experiment_timeout_s=0.2)
    context.backend.script(Hang())
    start_experiment(context, two_algorithms, inbox)

    result = inbox.only()
    reason = "the experiment did not finish within 0.2 s"
    assert all(reason in entry["error"] for entry in result["data"])
    assert stored(context, two_algorithms)[:2] == ("cancelled", reason)


def test_algorithms_silent_after_cancel_are_given_up_after_the_grace(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox,
    cancel_unblocked: threading.Event, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(experiment_module, "CANCEL_GRACE_S", 0.2)
    context.backend.script(Hang(cancel_blocks=cancel_unblocked), algorithm="stubStats")
    actor = start_experiment(context, two_algorithms, inbox)
    context.backend.wait_for("submit", 4)
    actor.tell(Cancel("stop"))

    result = inbox.only()
    stats = result["data"][1]
    assert stats["error"] == "cancelled (stop); it did not stop within 0.2 s"
    assert stats["jobId"] is None
    assert stored(context, two_algorithms)[0] == "cancelled"


def test_a_crash_stores_the_experiment_failed_and_replies_once(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox
) -> None:
    context.backend.script(Hang())
    actor = start_experiment(context, two_algorithms, inbox)
    context.backend.wait_for("submit", 4)
    actor.tell(AlgorithmCompleted(7, {"code": "nobody"}))  # no algorithm 7: the handler raises

    result = inbox.only()
    assert result["error"].startswith("Woken failed to run the experiment: IndexError")
    state, error, _ = stored(context, two_algorithms)
    assert state == "failed" and error == result["error"]
    context.backend.wait_for("cancel", 4)  # its jobs are not left running


def test_a_crash_before_anything_is_stored_still_replies_once(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    plan = experiment_plan(algorithm_plan(spec, k=None))  # never persisted
    start_experiment(context, plan, inbox)

    result = inbox.only()
    assert result["error"].startswith("Woken failed to run the experiment: KeyError")
    assert context.backend.submitted == []


def test_a_resumed_experiment_reuses_every_stored_job(
    context: StubContext, two_algorithms: ExperimentPlan, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"weights": [3.0]}), command="compute")
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    start_experiment(context, two_algorithms, inbox)
    first = inbox.only()

    restarted = context.restarted()
    start_experiment(restarted, resumed(two_algorithms), inbox)
    again = inbox.only()
    assert restarted.backend.submitted == []
    assert [e["data"] for e in again["data"]] == [e["data"] for e in first["data"]]
    assert again["data"][0]["jobId"] == job_id_of(two_algorithms, "a0.model")


def _job_rows(context: StubContext, experiment_id: str) -> dict[str, dict[str, Any]]:
    """Every job row of the experiment, as the values of its columns."""
    with context.woken_db.session() as session:
        jobs = session.scalars(select(Job).where(Job.experiment_id == experiment_id)).all()
        return {job.id: {c.key: getattr(job, c.key) for c in Job.__table__.columns}
                for job in jobs}


@pytest.fixture
def batched_and_folded(context: StubContext, spec: AlgorithmSpec) -> ExperimentPlan:
    """One algorithm batched (one job), one with a train/test pair per fold."""
    batched = dataclasses.replace(algorithm_plan(spec, 0, k=2), batched=True)
    plan = experiment_plan(batched, algorithm_plan(spec, 1, k=2))
    persist_experiment(context, plan)  # type: ignore[arg-type]
    return plan


def test_a_new_experiment_writes_each_job_row_once_and_looks_up_none(
    context: StubContext, batched_and_folded: ExperimentPlan, inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its jobs' rows were written with it, pending: each start only marks its row queued."""
    calls: list[tuple[str, Any]] = []
    for name in ("add_job", "get_job", "set_job_state"):
        method = getattr(context.woken_db, name)
        monkeypatch.setattr(context.woken_db, name, lambda *a, _m=method, _n=name, **k: (
            calls.append((_n, a[1] if len(a) > 1 else None)) or _m(*a, **k)))
    context.backend.script(Succeed(data={"weights": [2.0]}), command="compute")
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    context.backend.script(Succeed(data=batch_result), command=BATCHED_COMMAND)
    start_experiment(context, batched_and_folded, inbox)

    assert [e["error"] for e in inbox.only()["data"]] == [None, None]
    rows = _job_rows(context, batched_and_folded.experiment_id)
    assert len(rows) == 1 + 1 + 2 * 2 and {r["state"] for r in rows.values()} == {"succeeded"}
    assert [name for name, _ in calls if name != "set_job_state"] == []
    queued = [state for name, state in calls if name == "set_job_state" and state == "queued"]
    assert len(queued) == len(rows)


def test_the_rows_a_new_experiment_writes_first_are_those_its_coordinators_would_write(
    context: StubContext, batched_and_folded: ExperimentPlan, inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why a new experiment's coordinators only mark their rows queued: they hold the rest."""
    planned = _job_rows(context, batched_and_folded.experiment_id)
    written: list[Job] = []
    add_job = context.woken_db.add_job
    monkeypatch.setattr(context.woken_db, "add_job",
                        lambda job: written.append(job) or add_job(job))
    context.backend.script(Succeed(data={"weights": [2.0]}), command="compute")
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    context.backend.script(Succeed(data=batch_result), command=BATCHED_COMMAND)
    # A resumed run writes every job's row again, as the coordinator makes it.
    start_experiment(context, resumed(batched_and_folded), inbox)
    inbox.only()

    assert sorted(job.id for job in written) == sorted(planned)
    for job in written:
        given = {key: value for key, value in vars(job).items() if not key.startswith("_")}
        assert given.pop("state") == "queued" and planned[job.id]["state"] == "pending"
        assert given == {key: planned[job.id][key] for key in given}, job.step
