"""InteractiveActor: one fold's train then test on one volume; the parent hears once."""

from __future__ import annotations

import dataclasses
import shutil

import pykka

from tests.support.stub_backend import Fail, Hang, Succeed, predictions
from tests.unit.actors.support import (
    Inbox,
    StubContext,
    algorithm_plan,
    experiment_plan,
    persisted,
    resumed,
)
from woken.actors.interactive import InteractiveActor
from woken.actors.messages import Cancel, FoldPredicted, Start
from woken.actors.steps import command_step, derived_id
from woken.algorithms.common.volume import MODEL_DIR, TEST_DATA_FILE
from woken.catalogue.registry import AlgorithmSpec
from woken.planning.experiment_plan import ExperimentPlan

FOLD_STEP = "a0.v0.f1"


def start_fold(
    context: StubContext, plan: ExperimentPlan, inbox: Inbox
) -> tuple[pykka.ActorRef, int]:
    algorithm = plan.algorithms[0]
    fold = algorithm.validations[0].folds[1]
    job, _truth = plan.fold_job(algorithm, fold)
    persisted(context, plan)
    actor = InteractiveActor.start(context, job, plan.experiment_id, FOLD_STEP, 1, inbox.ref,
                                   resumed=plan.resumed)
    actor.tell(Start())
    return actor, len(fold.test_rows)


def fold_job_id(plan: ExperimentPlan, command: str) -> str:
    return derived_id(plan.experiment_id, command_step(FOLD_STEP, command))


def test_train_then_test_on_one_volume_gives_the_predictions(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(runtime_s=0.25), command="train")
    context.backend.script(Succeed(data=predictions(3.0)), command="test")
    plan = experiment_plan(algorithm_plan(spec))
    _, n_test = start_fold(context, plan, inbox)

    answer = inbox.only()
    assert answer == FoldPredicted(1, [3.0] * n_test, None, 0.25)
    train, test = context.backend.submitted
    assert (train.command, test.command) == ("train", "test")
    assert (train.job_id, test.job_id) == (fold_job_id(plan, "train"), fold_job_id(plan, "test"))
    assert train.volume == test.volume == context.config.volumes_dir / derived_id(
        plan.experiment_id, FOLD_STEP)
    assert (train.volume / MODEL_DIR).is_dir() and (train.volume / TEST_DATA_FILE).is_file()
    # The test runs where the train ran: the backend said "stub".
    assert (train.pin_to_host, test.pin_to_host) == (None, "stub")


def test_a_failed_train_ends_the_fold_without_a_test(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=2, stderr="MemoryError"), command="train")
    start_fold(context, experiment_plan(algorithm_plan(spec)), inbox)

    answer = inbox.only()
    assert answer.predictions is None
    assert answer.error.startswith(f"train failed: algorithm '{spec.code}' failed with exit code 2")
    assert answer.error.endswith("MemoryError")
    assert [s.command for s in context.backend.submitted] == ["train"]


def test_a_failed_test_is_reported(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=1, stderr="KeyError: 'x'"), command="test")
    start_fold(context, experiment_plan(algorithm_plan(spec)), inbox)

    answer = inbox.only()
    assert answer.error.startswith("test failed:") and "KeyError: 'x'" in answer.error


def test_predictions_of_the_wrong_length_are_refused(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"predictions": [1.0]}), command="test")
    _, n_test = start_fold(context, experiment_plan(algorithm_plan(spec)), inbox)

    answer = inbox.only()
    assert answer.error == f"test wrote no usable predictions (expected a list of {n_test})"


def test_cancel_stops_the_running_job_and_ends_the_fold(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Hang(), command="train")
    plan = experiment_plan(algorithm_plan(spec))
    actor, _ = start_fold(context, plan, inbox)
    context.backend.wait_for("submit")
    actor.tell(Cancel("stop it"))

    answer = inbox.only()
    assert answer.error == f"train failed: algorithm '{spec.code}' was cancelled: stop it"
    assert context.backend.cancelled == [fold_job_id(plan, "train")]


def test_a_job_that_never_starts_times_out_and_ends_the_fold(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.config = dataclasses.replace(context.config, queue_timeout_s=0.1)
    context.backend.script(Hang(started=False), command="train")
    start_fold(context, experiment_plan(algorithm_plan(spec)), inbox)

    answer = inbox.only()
    assert answer.error.startswith("train failed:")
    assert "did not report the job to start in time" in answer.error


def test_a_crash_reports_once_to_the_parent(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    plan = experiment_plan(algorithm_plan(spec))
    # A file where the fold's volume must go: the actor cannot create it.
    context.config.volumes_dir.mkdir(parents=True)
    (context.config.volumes_dir / derived_id(plan.experiment_id, FOLD_STEP)).write_text("")
    start_fold(context, plan, inbox)

    answer = inbox.only()
    assert answer.fold == 1 and answer.predictions is None
    assert answer.error.startswith("Woken failed to run the fold: FileExistsError")
    assert context.backend.submitted == []


def test_a_resumed_fold_reuses_its_stored_train(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=1), command="test")
    plan = experiment_plan(algorithm_plan(spec))
    start_fold(context, plan, inbox)
    assert inbox.only().error.startswith("test failed")

    restarted = context.restarted()
    restarted.backend.script(Succeed(data=predictions(5.0)), command="test")
    _, n_test = start_fold(restarted, resumed(plan), inbox)
    answer = inbox.only()
    assert answer.predictions == [5.0] * n_test and answer.error is None
    assert [s.command for s in restarted.backend.submitted] == ["test"]


def test_a_stored_train_without_its_model_runs_again(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=1), command="test")
    plan = experiment_plan(algorithm_plan(spec))
    start_fold(context, plan, inbox)
    assert inbox.only().error.startswith("test failed")
    volume = context.config.volumes_dir / derived_id(plan.experiment_id, FOLD_STEP)
    shutil.rmtree(volume / MODEL_DIR)

    restarted = context.restarted()
    restarted.backend.script(Succeed(data=predictions(5.0)), command="test")
    start_fold(restarted, resumed(plan), inbox)
    assert inbox.only().error is None
    assert [s.command for s in restarted.backend.submitted] == ["train", "test"]
