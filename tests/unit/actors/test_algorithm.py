"""AlgorithmActor: the model job and its validations; the parent hears once."""

from __future__ import annotations

import dataclasses
from typing import Any

import pykka
import pytest

from tests.support.stub_backend import Fail, Hang, Succeed, predictions
from tests.unit.actors.support import (
    Inbox,
    StubContext,
    algorithm_plan,
    algorithm_spec,
    batch_result,
    experiment_plan,
    job_id_of,
    persisted,
    resumed,
)
from woken.actors.algorithm import AlgorithmActor
from woken.actors.messages import AlgorithmCompleted, Cancel, Start
from woken.algorithms.common.volume import FOLDS_FILE, read_json
from woken.backends.base import JobSpec
from woken.catalogue.registry import AlgorithmSpec
from woken.planning.experiment_plan import ExperimentPlan


def start_algorithm(context: StubContext, plan: ExperimentPlan, inbox: Inbox) -> pykka.ActorRef:
    actor = AlgorithmActor.start(context, persisted(context, plan), plan.algorithms[0], inbox.ref)
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
    start_algorithm(restarted, resumed(plan), inbox)
    entry = inbox.only().entry
    assert entry["data"]["weights"] == [1.0] and entry["error"] is None
    assert restarted.backend.submitted == []


def _batched(spec: AlgorithmSpec, k: int = 2) -> ExperimentPlan:
    return experiment_plan(dataclasses.replace(algorithm_plan(spec, k=k), batched=True))


def test_a_batched_algorithm_runs_one_job_scored_as_its_folds(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data=batch_result), command="cross_validate")
    plan = _batched(spec)
    start_algorithm(context, plan, inbox)

    entry = inbox.only().entry
    assert entry["jobId"] == job_id_of(plan, "a0.cv") and entry["error"] is None
    assert entry["data"]["weights"] == [2.0] and "validations" not in entry["data"]
    [validation] = entry["data"]["cells"]["validations"]["init"]
    assert validation["data"]["type"] == "KFoldCrossValidationScore"
    assert len(validation["data"]["folds"]) == 2
    assert entry["fitTime"] == pytest.approx(0.15)
    [job] = context.backend.submitted
    assert job.command == "cross_validate"
    assert len(read_json(job.volume / FOLDS_FILE)["validations"][0]["fold_of_row"]) == len(
        plan.algorithms[0].job.data.rows)


def test_a_failed_batch_fails_the_model_and_every_fold(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=1, error="no folds.json"), command="cross_validate")
    start_algorithm(context, _batched(spec), inbox)

    entry = inbox.only().entry
    assert entry["data"] is None and "no folds.json" in entry["error"]


def test_a_fold_the_batch_reports_failed_fails_the_validation(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    def one_fold_failed(job: JobSpec) -> dict[str, Any]:
        data = batch_result(job)
        data["validations"][0]["folds"][1] = {"fold": 1, "error": "k is too large"}
        return data

    context.backend.script(Succeed(data=one_fold_failed), command="cross_validate")
    start_algorithm(context, _batched(spec), inbox)

    entry = inbox.only().entry
    [validation] = entry["data"]["cells"]["validations"]["init"]
    assert validation["error"] == "1 of 2 folds failed: fold 1: k is too large"


def test_cancel_stops_the_batched_job(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Hang())
    plan = _batched(spec)
    actor = start_algorithm(context, plan, inbox)
    context.backend.wait_for("submit", 1)
    actor.tell(Cancel("stop"))

    entry = inbox.only().entry
    assert entry["error"] == f"algorithm '{spec.code}' was cancelled: stop"
    assert context.backend.cancelled == [job_id_of(plan, "a0.cv")]
