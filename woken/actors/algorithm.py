"""AlgorithmActor: one algorithm of an experiment, its model and its validations.

State diagram::

    IDLE ──Start──▶ RUNNING ──JobEnded (model), then a ValidationCompleted for each──▶ DONE
    RUNNING ──Cancel──▶ (forwarded to the model job and the validations; their answers end it)
    any state ──handler raised──▶ crash: the parent gets AlgorithmCompleted with the error

Terminal state: DONE. The parent always gets exactly one `AlgorithmCompleted`.

The model is the algorithm run (`compute`) on all the selected rows; each
validation is a CrossValidationActor, started only for predictive algorithms.
A batched algorithm (`AlgorithmPlan.batched`) runs one `cross_validate` job
instead: its result holds the model and every fold's predictions, which this
actor hands to its validations as `FoldPredicted` (they score them as usual).
"""

from __future__ import annotations

import statistics
from enum import StrEnum
from typing import Any

import pykka

from woken.actors.batch import fold_outcomes, model_outcome
from woken.actors.context import ActorContext
from woken.actors.cross_validation import CrossValidationActor
from woken.actors.fsm import FsmActor, on, tell_quietly
from woken.actors.jobs import start_job
from woken.actors.messages import (
    AlgorithmCompleted,
    Cancel,
    JobEnded,
    Start,
    ValidationCompleted,
)
from woken.actors.steps import batch_step, derived_id, model_step
from woken.catalogue.registry import BATCHED_COMMAND
from woken.container.job_errors import crash_message
from woken.container.volumes import volume_path
from woken.planning.experiment_plan import AlgorithmPlan, ExperimentPlan
from woken.results.experiment import algorithm_entry


class AlgorithmState(StrEnum):
    """The states of an AlgorithmActor (diagram in the module docstring); DONE is terminal."""

    IDLE = "idle"
    RUNNING = "running"
    DONE = "done"


class AlgorithmActor(FsmActor):
    """One algorithm of an experiment: its model on all the rows, then its validations."""

    initial_state = AlgorithmState.IDLE
    terminal_states = frozenset({AlgorithmState.DONE})

    def __init__(
        self,
        services: ActorContext,
        experiment: ExperimentPlan,
        algorithm: AlgorithmPlan,
        parent: pykka.ActorRef,
    ) -> None:
        super().__init__()
        self.services = services
        self.experiment = experiment
        self.algorithm = algorithm
        self.parent = parent
        self._model: JobEnded | None = None
        self._model_job: pykka.ActorRef | None = None
        self._validations: dict[int, ValidationCompleted] = {}
        self._children: dict[int, pykka.ActorRef] = {}

    @property
    def model_step(self) -> str:
        index = self.algorithm.index
        return batch_step(index) if self.algorithm.batched else model_step(index)

    @property
    def model_job_id(self) -> str:
        return derived_id(self.experiment.experiment_id, self.model_step)

    @on(AlgorithmState.IDLE, message=Start)
    def begin(self, _: Start) -> AlgorithmState:
        volume = volume_path(self.services.config.volumes_dir, self.model_job_id)
        volume.mkdir(mode=0o770, parents=True, exist_ok=True)
        batched = self.algorithm.batched
        self._model_job = start_job(
            self.services, self.algorithm.batch_job() if batched else self.algorithm.job,
            self.model_job_id, volume, self.actor_ref,
            command=BATCHED_COMMAND if batched else "compute",
            experiment_id=self.experiment.experiment_id, step=self.model_step,
            reuse=self.experiment.resumed, planned=not self.experiment.resumed,
        )
        for validation in self.algorithm.validations:
            child = CrossValidationActor.start(
                self.services, self.experiment, self.algorithm, validation, self.actor_ref,
                batched=batched,
            )
            tell_quietly(child, Start())
            self._children[validation.index] = child
        return AlgorithmState.RUNNING

    @on(AlgorithmState.RUNNING, message=JobEnded)
    def model_ended(self, ended: JobEnded) -> AlgorithmState | None:
        self._model_job = None
        if not self.algorithm.batched:
            self._model = ended
            return self._complete_if_done()
        self._model = model_outcome(ended)
        for validation in self.algorithm.validations:
            child = self._children.get(validation.index)
            for fold in fold_outcomes(ended, validation):
                if child is not None:
                    tell_quietly(child, fold)
        return self._complete_if_done()

    @on(AlgorithmState.RUNNING, message=ValidationCompleted)
    def validation_completed(self, message: ValidationCompleted) -> AlgorithmState | None:
        self._validations[message.index] = message
        self._children.pop(message.index, None)
        return self._complete_if_done()

    @on(AlgorithmState.RUNNING, message=Cancel)
    def cancel(self, message: Cancel) -> None:
        for child in [self._model_job, *self._children.values()]:
            if child is not None:
                tell_quietly(child, message)

    def on_crash(self, error: BaseException) -> None:
        self.cancel(Cancel("its algorithm crashed"))
        self._report(algorithm_entry(
            self.algorithm.code, self.algorithm.name, self.model_job_id, None,
            crash_message("algorithm", error, self.services.config), [],
        ))

    def _complete_if_done(self) -> AlgorithmState | None:
        if self._model is None or len(self._validations) < len(self.algorithm.validations):
            return None
        validations = [self._validations[i].entry for i in sorted(self._validations)]
        model = self._model
        entry = algorithm_entry(
            self.algorithm.code, self.algorithm.name, model.job_id, model.result.data,
            None if model.succeeded else model.result.error, validations,
            self.algorithm.validations_skipped,
        )
        fit_times = [t for v in self._validations.values() for t in v.fit_times_s]
        # The mean over folds of the train job's run time, or the model's own run time.
        entry["fitTime"] = statistics.fmean(fit_times) if fit_times else model.duration_s
        entry["parameters"] = self.algorithm.job.parameters
        self._report(entry)
        return AlgorithmState.DONE

    def _report(self, entry: dict[str, Any]) -> None:
        message = AlgorithmCompleted(self.algorithm.index, entry)
        self.report_once(lambda: tell_quietly(self.parent, message))
