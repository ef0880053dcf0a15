"""CrossValidationActor: k folds predicted, then scored by the pool; the parent hears once."""

from __future__ import annotations

import dataclasses

import pykka
import pytest

from tests.support.stub_backend import Fail, Hang, Succeed, predictions
from tests.support.waiting import wait_until
from tests.unit.actors.support import (
    Inbox,
    StubContext,
    algorithm_plan,
    experiment_plan,
    job_id_of,
    persisted,
    resumed,
)
from woken.actors import cross_validation as cross_validation_module
from woken.actors.cross_validation import CrossValidationActor
from woken.actors.messages import (
    Cancel,
    CrossValidationScored,
    ScoreCrossValidation,
    Start,
    ValidationCompleted,
)
from woken.catalogue.registry import AlgorithmSpec
from woken.planning.experiment_plan import ExperimentPlan
from woken.validation.folds import Fold


class SilentPool:
    """A validation pool that takes requests and never answers."""

    def __init__(self) -> None:
        self.requests: list[ScoreCrossValidation] = []

    def score(self, request: ScoreCrossValidation) -> None:
        self.requests.append(request)


def start_validation(
    context: StubContext, plan: ExperimentPlan, inbox: Inbox
) -> pykka.ActorRef:
    algorithm = plan.algorithms[0]
    actor = CrossValidationActor.start(
        context, persisted(context, plan), algorithm, algorithm.validations[0], inbox.ref
    )
    actor.tell(Start())
    return actor


def test_every_fold_predicted_then_scored(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(runtime_s=0.5), command="train")
    context.backend.script(Succeed(data=predictions(10.0)), command="test")
    start_validation(context, experiment_plan(algorithm_plan(spec, k=3)), inbox)

    answer = inbox.only()
    assert isinstance(answer, ValidationCompleted)
    assert answer.index == 0 and answer.fit_times_s == (0.5, 0.5, 0.5)
    assert answer.entry["code"] == "kfold" and answer.entry["node"] == "test-node"
    assert "error" not in answer.entry
    score = answer.entry["data"]
    assert score["type"] == "KFoldCrossValidationScore" and set(score["folds"]) == {"0", "1", "2"}
    assert sorted(s.command for s in context.backend.submitted) == ["test"] * 3 + ["train"] * 3


def test_a_failed_fold_fails_the_validation_naming_it(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    plan = experiment_plan(algorithm_plan(spec, k=2))
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    failing = job_id_of(plan, "a0.v0.f1.train")
    context.backend.script(Fail(exit_code=9, stderr="Killed"), job_id=failing)
    start_validation(context, plan, inbox)

    error = inbox.only().entry["error"]
    assert error.startswith("1 of 2 folds failed: fold 1: train failed:")
    assert "exit code 9" in error and "fold 0" not in error


def test_a_silent_pool_times_the_scoring_out(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cross_validation_module, "SCORING_TIMEOUT_S", 0.1)
    pool = context.validation_pool = SilentPool()
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    start_validation(context, experiment_plan(algorithm_plan(spec, k=2)), inbox)

    assert inbox.only().entry["error"] == "the validation pool did not answer in 0.1 s"
    [request] = pool.requests
    assert request.problem == "regression" and len(request.truths) == 2


def test_a_scoring_error_is_the_validations_error(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    class FailingPool:
        def score(self, request: ScoreCrossValidation) -> None:
            request.reply_to.tell(CrossValidationScored(None, "scoring failed: no variance"))

    context.validation_pool = FailingPool()
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    start_validation(context, experiment_plan(algorithm_plan(spec, k=2)), inbox)

    assert inbox.only().entry["error"] == "scoring failed: no variance"


def test_cancel_while_predicting_cancels_every_fold(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Hang(), command="train")
    plan = experiment_plan(algorithm_plan(spec, k=3))
    actor = start_validation(context, plan, inbox)
    context.backend.wait_for("submit", 3)
    actor.tell(Cancel("enough"))

    error = inbox.only().entry["error"]
    assert error.startswith("3 of 3 folds failed:") and error.count("was cancelled: enough") == 3
    assert sorted(context.backend.cancelled) == sorted(
        job_id_of(plan, f"a0.v0.f{f}.train") for f in range(3))


def test_cancel_while_scoring_ends_at_once(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    pool = context.validation_pool = SilentPool()
    context.backend.script(Succeed(data=predictions(1.0)), command="test")
    actor = start_validation(context, experiment_plan(algorithm_plan(spec, k=2)), inbox)
    wait_until(lambda: pool.requests)
    actor.tell(Cancel("the experiment timed out"))

    assert inbox.only().entry["error"] == "cancelled: the experiment timed out"


def test_a_crash_cancels_the_folds_started_and_reports_once(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Hang(), command="train")
    plan = experiment_plan(algorithm_plan(spec, k=2))
    validation = plan.algorithms[0].validations[0]
    # The second fold holds a row the data does not have: planning it raises.
    broken = Fold(1, validation.folds[1].train_rows, (999,))
    algorithm = dataclasses.replace(
        plan.algorithms[0],
        validations=[dataclasses.replace(validation, folds=[validation.folds[0], broken])],
    )
    plan = dataclasses.replace(plan, algorithms=[algorithm])
    start_validation(context, plan, inbox)

    error = inbox.only().entry["error"]
    assert error.startswith("Woken failed to run the cross-validation: IndexError")
    context.backend.wait_for("cancel")
    assert context.backend.cancelled == [job_id_of(plan, "a0.v0.f0.train")]


def test_a_resumed_validation_reuses_every_stored_fold(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data=predictions(2.0)), command="test")
    plan = experiment_plan(algorithm_plan(spec, k=2))
    start_validation(context, plan, inbox)
    first = inbox.only().entry

    restarted = context.restarted()
    start_validation(restarted, resumed(plan), inbox)
    again = inbox.only().entry
    assert restarted.backend.submitted == []
    assert again["data"]["average"] == first["data"]["average"]
