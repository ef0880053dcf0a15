"""ExperimentActor: one experiment, one AlgorithmActor per requested algorithm.

State diagram::

    IDLE ──Start──▶ RUNNING ──AlgorithmCompleted (the last one)──▶ DONE (completed)
    RUNNING ──Cancel──▶ CANCELLING ──AlgorithmCompleted (the last one)──▶ DONE (cancelled)
    RUNNING ──StateTimeout (experiment_timeout_s)──▶ CANCELLING
    CANCELLING ──StateTimeout──▶ DONE (algorithms still silent get an error)
    RUNNING, CANCELLING ──StorePartialResult──▶ same state (the results so far stored)
    any state ──handler raised──▶ crash: the experiment is stored FAILED, the reply sent

Terminal state: DONE. `reply`, when given, is called exactly once with the
final QueryResult. An AlgorithmCompleted that is not the last is stored
`PARTIAL_RESULT_DELAY_S` later (one write for those that end together, none when
the experiment ends first): `GET /mining/experiments/{id}` shows the results so
far. Each algorithm's jobs and their results are in woken-db as they end, so a
restart loses none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import pykka

from woken.actors.algorithm import AlgorithmActor
from woken.actors.context import ActorContext
from woken.actors.fsm import FsmActor, StateTimeout, on, tell_quietly
from woken.actors.messages import AlgorithmCompleted, Cancel, Start, StorePartialResult
from woken.container.job_errors import crash_message
from woken.errors import WorkInterrupted
from woken.planning.experiment_plan import ExperimentPlan
from woken.results.experiment import algorithm_entry, experiment_result
from woken.states import ExperimentState, JobState

log = logging.getLogger(__name__)

# How long cancelled algorithms may take to report before the experiment ends without them.
CANCEL_GRACE_S = 60.0
# How long after an algorithm ends its entry is stored with the others, if the experiment
# still runs then: the whole result (models included) was encoded and written after
# every algorithm, most often just before the experiment's own final write.
PARTIAL_RESULT_DELAY_S = 0.5

Reply = Callable[[dict[str, Any]], None]


class Phase(StrEnum):
    """The states of an ExperimentActor (diagram in the module docstring); DONE is terminal."""

    IDLE = "idle"
    RUNNING = "running"
    CANCELLING = "cancelling"
    DONE = "done"


class ExperimentActor(FsmActor):
    """One experiment: an AlgorithmActor per algorithm, each result stored as it ends."""

    initial_state = Phase.IDLE
    terminal_states = frozenset({Phase.DONE})

    def __init__(
        self,
        services: ActorContext,
        plan: ExperimentPlan,
        reply: Reply | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.running = services.experiments
        self.plan = plan
        self._reply = reply
        self._entries: list[dict[str, Any] | None] = [None] * len(plan.algorithms)
        self._children: dict[int, pykka.ActorRef] = {}
        self._cancel_reason: str | None = None
        self._partial_result_due = False
        # Registered as soon as it exists (not when its first message runs): a cancel
        # that comes right after the start must find it.
        self.running.add(self.experiment_id, self.actor_ref)

    @property
    def experiment_id(self) -> str:
        return self.plan.experiment_id

    def on_stop(self) -> None:
        super().on_stop()
        self.running.remove(self.experiment_id)

    @on(Phase.IDLE, message=Start)
    def begin(self, _: Start) -> None:
        self.services.woken_db.update_experiment(
            self.experiment_id, state=ExperimentState.RUNNING, result=self._result()
        )
        for algorithm in self.plan.algorithms:
            child = AlgorithmActor.start(
                self.services, self.plan, algorithm, self.actor_ref
            )
            tell_quietly(child, Start())
            self._children[algorithm.index] = child
        self.go_to(Phase.RUNNING, timeout_s=self.services.config.experiment_timeout_s)

    @on(Phase.RUNNING, Phase.CANCELLING, message=AlgorithmCompleted)
    def algorithm_completed(self, message: AlgorithmCompleted) -> Phase | None:
        self._entries[message.index] = message.entry
        self._children.pop(message.index, None)
        if not self._children:
            return self._finish()
        if not self._partial_result_due:
            self._partial_result_due = True
            self.tell_self_later(PARTIAL_RESULT_DELAY_S, StorePartialResult())
        return None

    @on(Phase.RUNNING, Phase.CANCELLING, message=StorePartialResult)
    def store_partial_result(self, _: StorePartialResult) -> None:
        self._partial_result_due = False
        self.services.woken_db.update_experiment(self.experiment_id, result=self._result())

    @on(Phase.RUNNING, message=Cancel)
    def cancel(self, message: Cancel) -> None:
        self._cancel(message.reason)

    @on(Phase.RUNNING, message=StateTimeout)
    def too_long(self, _: StateTimeout) -> None:
        timeout = self.services.config.experiment_timeout_s
        self._cancel(f"the experiment did not finish within {timeout:g} s")

    @on(Phase.CANCELLING, message=StateTimeout)
    def children_silent(self, _: StateTimeout) -> Phase:
        for index in list(self._children):
            algorithm = self.plan.algorithms[index]
            self._entries[index] = algorithm_entry(
                algorithm.code, algorithm.name, None, None,
                f"cancelled ({self._cancel_reason}); it did not stop within {CANCEL_GRACE_S:g} s",
                [],
            )
        self._children.clear()
        return self._finish()

    @on(Phase.CANCELLING, message=Cancel)
    def already_cancelling(self, _: Cancel) -> None:
        pass

    def on_crash(self, error: BaseException) -> None:
        for child in self._children.values():
            tell_quietly(child, Cancel("the experiment crashed"))
        message = crash_message("experiment", error, self.services.config)
        if isinstance(error, WorkInterrupted):
            # Adopted by another instance, or woken-db did not answer: this copy only stops,
            # and is no longer running here (pykka calls no on_stop after a crash), so that
            # this instance resumes it from woken-db once it answers.
            self.running.remove(self.experiment_id)
            self._send_reply(self._result(message))
            return
        try:
            self._end_unstarted_jobs(JobState.SKIPPED, f"not run: {message}")
            self.services.woken_db.update_experiment(
                self.experiment_id, state=ExperimentState.FAILED, error=message,
                result=self._result(message),
            )
        finally:
            self._send_reply(self._result(message))

    def _cancel(self, reason: str) -> None:
        self._cancel_reason = reason
        for child in self._children.values():
            tell_quietly(child, Cancel(reason))
        self.go_to(Phase.CANCELLING, timeout_s=CANCEL_GRACE_S)

    def _finish(self) -> Phase:
        result = self._result()
        state = ExperimentState.COMPLETED
        if self._cancel_reason is not None:
            state = ExperimentState.CANCELLED
            self._end_unstarted_jobs(JobState.CANCELLED, f"not run: {self._cancel_reason}")
        else:
            # Only jobs whose predecessor failed are left (a failed model skips nothing, a
            # failed train skips its test): the InteractiveActor ends those; this is the net.
            self._end_unstarted_jobs(JobState.SKIPPED, "not run: the experiment ended")
        self.services.woken_db.update_experiment(
            self.experiment_id, state=state, result=result, error=self._cancel_reason
        )
        log.info("experiment %s %s", self.experiment_id, state.value)
        self._send_reply(result)
        return Phase.DONE

    def _end_unstarted_jobs(self, state: JobState, reason: str) -> None:
        ended = self.services.woken_db.end_unstarted_jobs(
            state, reason, experiment_id=self.experiment_id
        )
        if ended:
            log.info("experiment %s: %d planned jobs ended %s (%s)",
                     self.experiment_id, ended, state.value, reason)

    def _result(self, error: str | None = None) -> dict[str, Any]:
        return experiment_result(
            self.experiment_id, self.services.config.node, list(self._entries),
            self.plan.problem_type.value, error,
            self.plan.context.to_json() if self.plan.context else None,
        )

    def _send_reply(self, result: dict[str, Any]) -> None:
        reply = self._reply
        if reply is not None:
            self.report_once(lambda: reply(result))
