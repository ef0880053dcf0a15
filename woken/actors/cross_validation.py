"""CrossValidationActor: one k-fold validation of one algorithm.

State diagram::

    IDLE ──Start──▶ PREDICTING ──k FoldPredicted, all ok──▶ SCORING ──CrossValidationScored──▶ DONE
                       │
                       └──k FoldPredicted, some failed──▶ DONE (error naming the folds)
    PREDICTING ──Cancel──▶ (forwarded to every fold; their FoldPredicted end the validation)
    SCORING ──StateTimeout──▶ DONE (error: the pool did not answer)
    any state ──handler raised──▶ crash: the parent gets ValidationCompleted with the error

Terminal state: DONE. The parent always gets exactly one `ValidationCompleted`.

A held-out dataset's validation (multi-site) is the same with one fold: train on
all the training rows, predict the dataset's rows.

Each fold is an InteractiveActor (train on k-1 folds, test on the held-out one);
Woken keeps the held-out truth and hands truth and predictions to the
ValidationPool, which computes the per-fold scores and their pooled average.

At most `folds_in_flight` folds run at once; the others wait in a queue and start
as earlier ones end. Each running fold costs two threads (its actor and its job's
coordinator) while the backend runs only a few jobs at a time anyway: an
experiment of 50 algorithms x 20 folds must not start 2,000 threads.

A batched validation (`batched=True`) starts no fold: its algorithm runs every
fold in one `cross_validate` job and tells it each fold's `FoldPredicted`; the
scoring is the same.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pykka

from woken.actors.context import ActorContext
from woken.actors.fsm import FsmActor, StateTimeout, on, tell_quietly
from woken.actors.interactive import InteractiveActor
from woken.actors.messages import (
    Cancel,
    CrossValidationScored,
    FoldPredicted,
    ScoreCrossValidation,
    Start,
    ValidationCompleted,
)
from woken.actors.steps import fold_step
from woken.container.job_errors import crash_message
from woken.planning.experiment_plan import AlgorithmPlan, ExperimentPlan, ValidationPlan
from woken.results.experiment import dataset_score, validation_entry
from woken.validation.folds import Fold

SCORING_TIMEOUT_S = 120.0


class CrossValidationState(StrEnum):
    """The states of a CrossValidationActor (diagram in the module docstring)."""

    IDLE = "idle"
    PREDICTING = "predicting"
    SCORING = "scoring"
    DONE = "done"


class CrossValidationActor(FsmActor):
    """One k-fold validation of one algorithm: a train/test pair per fold, then the scores."""

    initial_state = CrossValidationState.IDLE
    terminal_states = frozenset({CrossValidationState.DONE})

    def __init__(
        self,
        services: ActorContext,
        experiment: ExperimentPlan,
        algorithm: AlgorithmPlan,
        validation: ValidationPlan,
        parent: pykka.ActorRef,
        batched: bool = False,
    ) -> None:
        super().__init__()
        self.batched = batched
        self.services = services
        self.experiment = experiment
        self.algorithm = algorithm
        self.validation = validation
        self.parent = parent
        self._truths: dict[int, list[Any]] = {}
        self._predictions: dict[int, list[Any]] = {}
        self._errors: dict[int, str] = {}
        self._fit_times: list[float] = []
        self._folds: dict[int, pykka.ActorRef] = {}
        self._waiting: list[Fold] = []

    @on(CrossValidationState.IDLE, message=Start)
    def begin(self, _: Start) -> CrossValidationState:
        if self.batched:
            for fold in self.validation.folds:
                self._truths[fold.index] = self.experiment.fold_truth(self.algorithm, fold)
            return CrossValidationState.PREDICTING
        self._waiting = list(self.validation.folds)
        for _fold in range(self.services.config.folds_in_flight):
            self._start_next_fold()
        return CrossValidationState.PREDICTING

    def _start_next_fold(self) -> None:
        if not self._waiting:
            return
        fold = self._waiting.pop(0)
        plan, truth = self.experiment.fold_job(self.algorithm, fold, self.validation)
        self._truths[fold.index] = truth
        step = fold_step(self.algorithm.index, self.validation.index, fold.index)
        child = InteractiveActor.start(
            self.services, plan, self.experiment.experiment_id, step, fold.index,
            self.actor_ref, resumed=self.experiment.resumed,
        )
        tell_quietly(child, Start())
        self._folds[fold.index] = child

    @on(CrossValidationState.PREDICTING, message=FoldPredicted)
    def fold_predicted(self, message: FoldPredicted) -> CrossValidationState | None:
        self._folds.pop(message.fold, None)
        self._start_next_fold()
        if message.error is not None or message.predictions is None:
            self._errors[message.fold] = message.error or "no predictions"
        else:
            self._predictions[message.fold] = message.predictions
            if message.fit_time_s is not None:
                self._fit_times.append(message.fit_time_s)
        if len(self._errors) + len(self._predictions) < len(self.validation.folds):
            return None
        if self._errors:
            failed = "; ".join(f"fold {f}: {e}" for f, e in sorted(self._errors.items()))
            return self._report(None, f"{len(self._errors)} of {self.validation.k} folds failed: "
                                      f"{failed}")
        order = sorted(self._truths)
        self.services.validation_pool.score(ScoreCrossValidation(
            problem=self.experiment.problem_type.value,
            truths=[self._truths[f] for f in order],
            predictions=[self._predictions[f] for f in order],
            labels=self.experiment.labels,
            reply_to=self.actor_ref,
        ))
        self.go_to(CrossValidationState.SCORING, timeout_s=SCORING_TIMEOUT_S)
        return None

    @on(CrossValidationState.SCORING, message=CrossValidationScored)
    def scored(self, message: CrossValidationScored) -> CrossValidationState:
        return self._report(message.score, message.error)

    @on(CrossValidationState.SCORING, message=StateTimeout)
    def pool_silent(self, _: StateTimeout) -> CrossValidationState:
        return self._report(None, f"the validation pool did not answer in {SCORING_TIMEOUT_S:g} s")

    @on(CrossValidationState.PREDICTING, message=Cancel)
    def cancel(self, message: Cancel) -> None:
        # The folds still queued never start; the running ones end with their FoldPredicted.
        for fold in self._waiting:
            self._errors[fold.index] = f"cancelled: {message.reason}"
        self._waiting.clear()
        for child in self._folds.values():
            tell_quietly(child, message)

    @on(CrossValidationState.SCORING, CrossValidationState.IDLE, message=Cancel)
    def cancel_now(self, message: Cancel) -> CrossValidationState:
        return self._report(None, f"cancelled: {message.reason}")

    def on_crash(self, error: BaseException) -> None:
        for child in self._folds.values():
            tell_quietly(child, Cancel("its cross-validation crashed"))
        self._report(None, crash_message("cross-validation", error, self.services.config))

    def _report(self, score: dict[str, Any] | None, error: str | None) -> CrossValidationState:
        if score is not None and self.validation.dataset is not None:
            score = dataset_score(self.validation.dataset, score)
        entry = validation_entry(
            self.validation.code, self.validation.name, self.services.config.node, score, error,
        )
        message = ValidationCompleted(self.validation.index, entry, tuple(self._fit_times))
        self.report_once(lambda: tell_quietly(self.parent, message))
        return CrossValidationState.DONE
