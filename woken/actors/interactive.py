"""InteractiveActor: one fold's `train` then `test`, two jobs on one volume.

State diagram::

    IDLE ──Start──▶ TRAINING ──JobEnded (train ok)──▶ TESTING ──JobEnded (test ok)──▶ DONE
                       │                                 │
                       └──JobEnded (train failed)───────┴──JobEnded (failed)──▶ DONE (error)
    TRAINING / TESTING ──Cancel──▶ (the running job is cancelled; its JobEnded ends the pair)
    any state ──handler raised──▶ crash: the parent gets FoldPredicted with the error

Terminal state: DONE. The parent always gets exactly one `FoldPredicted`.

The actor waits on the backend's status of each job (through its coordinator),
never on a file appearing. The volume is named by a UUID derived from the
experiment and the fold, so a resumed experiment finds a finished `train`.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

import pykka

from woken.actors.context import ActorContext
from woken.actors.fsm import FsmActor, on, tell_quietly
from woken.actors.jobs import start_job, stored_success
from woken.actors.messages import Cancel, FoldPredicted, JobEnded, Start
from woken.actors.steps import command_step, derived_id
from woken.algorithms.common.volume import MODEL_DIR
from woken.container.job_errors import crash_message
from woken.container.volumes import volume_path
from woken.planning.job_plan import JobPlan
from woken.states import JobState

log = logging.getLogger(__name__)


class InteractiveState(StrEnum):
    """The states of an InteractiveActor (diagram in the module docstring)."""

    IDLE = "idle"
    TRAINING = "training"
    TESTING = "testing"
    DONE = "done"


class InteractiveActor(FsmActor):
    """One fold of a validation: `train` then `test` on the same volume, then its predictions."""

    initial_state = InteractiveState.IDLE
    terminal_states = frozenset({InteractiveState.DONE})

    def __init__(
        self,
        services: ActorContext,
        plan: JobPlan,
        experiment_id: str,
        fold_step: str,
        fold: int,
        parent: pykka.ActorRef,
        resumed: bool = False,
    ) -> None:
        super().__init__()
        self.services = services
        self.plan = plan
        self.experiment_id = experiment_id
        self.fold_step = fold_step
        self.fold = fold
        self.parent = parent
        # Its experiment was started again: its train and test may have run already.
        self.resumed = resumed
        self.volume = volume_path(services.config.volumes_dir, derived_id(experiment_id, fold_step))
        self._job: pykka.ActorRef | None = None
        self._fit_time_s: float | None = None

    @on(InteractiveState.IDLE, message=Start)
    def begin(self, _: Start) -> InteractiveState:
        # Created by Woken under its root; exists already when an experiment resumes.
        self.volume.mkdir(mode=0o770, parents=True, exist_ok=True)
        train_id = self._job_id("train")
        reuse_train = self.resumed and (self.volume / MODEL_DIR).is_dir() and (
            stored_success(self.services, train_id, self.volume) is not None
        )
        self._job = self._start("train", reuse=reuse_train)
        return InteractiveState.TRAINING

    @on(InteractiveState.TRAINING, message=JobEnded)
    def trained(self, ended: JobEnded) -> InteractiveState:
        if not ended.succeeded:
            self._never_test(ended.state)
            return self._report(None, f"train failed: {ended.result.error}")
        self._fit_time_s = ended.duration_s
        # On the host that trained: its model is in the volume there.
        self._job = self._start("test", reuse=self.resumed, pin_to_host=ended.host)
        return InteractiveState.TESTING

    @on(InteractiveState.TESTING, message=JobEnded)
    def tested(self, ended: JobEnded) -> InteractiveState:
        if not ended.succeeded:
            return self._report(None, f"test failed: {ended.result.error}")
        predictions = _predictions(ended.result.data)
        expected = len(self.plan.test_data.rows) if self.plan.test_data else 0
        if predictions is None or len(predictions) != expected:
            return self._report(
                None, f"test wrote no usable predictions (expected a list of {expected})"
            )
        return self._report(predictions, None)

    @on(InteractiveState.TRAINING, InteractiveState.TESTING, message=Cancel)
    def cancel(self, message: Cancel) -> None:
        if self._job is not None:
            tell_quietly(self._job, message)

    def on_crash(self, error: BaseException) -> None:
        if self._job is not None:
            tell_quietly(self._job, Cancel("its train/test pair crashed"))
        self._report(None, crash_message("fold", error, self.services.config))

    def _never_test(self, train_state: JobState) -> None:
        """The planned `test` will not run: end its row now, so that none stays pending."""
        if train_state is JobState.CANCELLED:
            state, reason = JobState.CANCELLED, "not run: its train was cancelled"
        else:
            state, reason = JobState.SKIPPED, f"not run: its train ended {train_state.value}"
        self.services.woken_db.end_unstarted_jobs(state, reason, job_ids=(self._job_id("test"),))

    def _job_id(self, command: str) -> str:
        return derived_id(self.experiment_id, command_step(self.fold_step, command))

    def _start(
        self, command: str, reuse: bool, pin_to_host: str | None = None
    ) -> pykka.ActorRef | None:
        return start_job(
            self.services, self.plan, self._job_id(command), self.volume, self.actor_ref,
            command=command, experiment_id=self.experiment_id,
            step=command_step(self.fold_step, command), reuse=reuse,
            planned=not self.resumed, pin_to_host=pin_to_host,
        )

    def _report(self, predictions: list[Any] | None, error: str | None) -> InteractiveState:
        message = FoldPredicted(self.fold, predictions, error, self._fit_time_s)
        self.report_once(lambda: tell_quietly(self.parent, message))
        return InteractiveState.DONE


def _predictions(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("predictions"), list):
        return list(data["predictions"])
    return None
