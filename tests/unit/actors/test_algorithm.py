"""AlgorithmActor: the model job and its validations; the parent hears once."""

from __future__ import annotations

import pykka

from tests.support.stub_backend import Fail, Hang, Succeed, predictions
from tests.unit.actors.support import (
    Inbox,
    StubContext,
    algorithm_plan,
    algorithm_spec,
    experiment_plan,
    job_id_of,
)
from woken.actors.algorithm import AlgorithmActor
from woken.actors.messages import AlgorithmCompleted, Cancel, Start
from woken.experiment_plan import ExperimentPlan
from woken.registry import AlgorithmSpec


def start_algorithm(context: StubContext, plan: ExperimentPlan, inbox: Inbox) -> pykka.ActorRef:
    actor = AlgorithmActor.start(context, plan, plan.algorithms[0], inbox.ref)
    actor.tell(Start())
    return actor


def test_the_model_carries_its_validation(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"type": "model", "weights": [2.0]}), command="compute")
    context.backend.script(Succeed(runtime_s=0.2), command="train")
    context.backend.script(Succeed(data=predictions(4.0)), command="test")
    plan = experiment_plan(algorithm_plan(spec, k=2))
    start_algorithm(context, plan, inbox)

    answer = inbox.only()
    assert isinstance(answer, AlgorithmCompleted) and answer.index == 0
    entry = answer.entry
    assert entry["jobId"] == job_id_of(plan, "a0.model") and entry["error"] is None
    assert entry["data"]["weights"] == [2.0]
    [validation] = entry["data"]["cells"]["validations"]["init"]
    assert validation["data"]["type"] == "KFoldCrossValidationScore"
    assert entry["fitTime"] == 0.2 and entry["parameters"] == {"alpha": "1"}
    assert len(context.backend.submitted) == 1 + 2 * 2


def test_a_statistics_algorithm_runs_its_model_only(
    context: StubContext, inbox: Inbox
) -> None:
    stats = algorithm_spec(context.config.data_dir / "stats", "stubStats", predictive=False)
    context.backend.script(Succeed(data={"mean": 3.0}, runtime_s=0.7))
    start_algorithm(context, experiment_plan(algorithm_plan(stats, k=2)), inbox)

    entry = inbox.only().entry
    assert entry["data"] == {"mean": 3.0, "cells": {"validations": {
        "type": {"type": "array", "items": "Validation"}, "init": []}}}
    assert entry["validationsSkipped"] == "'stubStats' is not a predictive algorithm"
    assert entry["fitTime"] == 0.7
    assert [s.command for s in context.backend.submitted] == ["compute"]


def test_a_failed_model_is_the_algorithms_error(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=4, stderr="LinAlgError: singular"), command="compute")
    start_algorithm(context, experiment_plan(algorithm_plan(spec, k=None)), inbox)

    entry = inbox.only().entry
    assert entry["data"] is None
    assert "failed with exit code 4" in entry["error"] and "LinAlgError: singular" in entry["error"]


def test_cancel_reaches_the_model_and_the_validations(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Hang())
    plan = experiment_plan(algorithm_plan(spec, k=2))
    actor = start_algorithm(context, plan, inbox)
    context.backend.wait_for("submit", 3)
    actor.tell(Cancel("stop"))

    entry = inbox.only().entry
    assert entry["error"] == f"algorithm '{spec.code}' was cancelled: stop"
    assert sorted(context.backend.cancelled) == sorted(
        job_id_of(plan, step) for step in ("a0.model", "a0.v0.f0.train", "a0.v0.f1.train"))


def test_a_crash_reports_once_to_the_parent(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    plan = experiment_plan(algorithm_plan(spec, k=None))
    context.config.volumes_dir.mkdir(parents=True)
    (context.config.volumes_dir / job_id_of(plan, "a0.model")).write_text("")
    start_algorithm(context, plan, inbox)

    entry = inbox.only().entry
    assert entry["jobId"] == job_id_of(plan, "a0.model")
    assert entry["error"].startswith("Woken failed to run the algorithm: FileExistsError")
    assert context.backend.submitted == []


def test_a_resumed_algorithm_reuses_its_stored_model(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"weights": [1.0]}, runtime_s=0.3))
    plan = experiment_plan(algorithm_plan(spec, k=None))
    start_algorithm(context, plan, inbox)
    assert inbox.only().entry["error"] is None

    restarted = context.restarted()
    start_algorithm(restarted, plan, inbox)
    entry = inbox.only().entry
    assert entry["data"]["weights"] == [1.0] and entry["error"] is None
    assert restarted.backend.submitted == []
