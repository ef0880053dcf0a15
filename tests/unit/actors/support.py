"""What the actor tests share: a context on a stub backend, plans without a features
database, and an inbox that stands for a parent actor or a reply callback."""

from __future__ import annotations

import queue
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pykka

from tests.support.stub_backend import StubBackend
from tests.support.waiting import WAIT_S
from woken.actors.running import RunningExperiments
from woken.actors.steps import derived_id
from woken.actors.validation_pool import ValidationPool
from woken.algorithms.common.volume import FOLDS_FILE, read_json
from woken.backends.base import JobSpec
from woken.catalogue.registry import AlgorithmSpec
from woken.config import Config
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.planning.experiment_plan import AlgorithmPlan, ExperimentPlan, ValidationPlan
from woken.planning.job_plan import JobPlan
from woken.storage.database import WokenDatabase
from woken.system.experiments import persist_experiment
from woken.validation.folds import make_folds

# How long "no second answer" is watched for.
QUIET_S = 0.3
ROWS = 12
TARGET = VariableMeta("y", "y", "real")
FEATURE = VariableMeta("x", "x", "real")


@dataclass
class StubContext:
    """An ActorContext: a real woken-db on SQLite, a stub backend, a real validation pool."""

    config: Config
    woken_db: WokenDatabase
    backend: StubBackend
    validation_pool: Any  # a ValidationPool, or a test's own stand-in
    experiments: RunningExperiments = field(default_factory=RunningExperiments)

    def restarted(self) -> StubContext:
        """The same woken-db and volumes after a restart: a fresh backend and pool."""
        return replace(self, backend=StubBackend(), validation_pool=ValidationPool(1),
                       experiments=RunningExperiments())


class Probe(pykka.ThreadingActor):
    """A parent actor that only collects what it is told."""

    def __init__(self, inbox: queue.Queue[Any]) -> None:
        super().__init__()
        self.inbox = inbox

    def on_receive(self, message: Any) -> None:
        self.inbox.put(message)


class Inbox:
    """What a parent (`ref`) is told or a reply callback (`reply`) gets, awaited with timeouts."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self.ref: pykka.ActorRef = Probe.start(self._queue)

    def reply(self, message: Any) -> None:
        self._queue.put(message)

    def next(self, timeout_s: float = WAIT_S) -> Any:
        try:
            return self._queue.get(timeout=timeout_s)
        except queue.Empty:
            raise AssertionError(f"no answer within {timeout_s:g} s") from None

    def only(self, timeout_s: float = WAIT_S) -> Any:
        """The one answer: a second one within QUIET_S fails the test."""
        answer = self.next(timeout_s)
        self.assert_quiet()
        return answer

    def assert_quiet(self, wait_s: float = QUIET_S) -> None:
        try:
            extra = self._queue.get(timeout=wait_s)
        except queue.Empty:
            return
        raise AssertionError(f"a second answer: {extra!r}")


def stopped(ref: pykka.ActorRef, timeout_s: float = WAIT_S) -> bool:
    return ref.actor_stopped.wait(timeout_s)


def algorithm_spec(folder: Path, code: str = "stubModel", *, predictive: bool = True,
                   legacy_database: bool = False) -> AlgorithmSpec:
    commands = ("compute", "train", "test") if predictive else ("compute",)
    return AlgorithmSpec(
        code=code, label=f"Stub {code}", type="predictive_model" if predictive else "statistics",
        description="scripted by the stub backend", docker_image=f"hbpmip/{code.lower()}:1.0",
        folder=folder, predictive=predictive, commands=commands,
        legacy_database=legacy_database,
    )


def rows(n: int = ROWS) -> SelectedData:
    return SelectedData([TARGET.code, FEATURE.code], [[2.0 * i + 1.0, float(i)] for i in range(n)])


def job_plan(spec: AlgorithmSpec, *, timeout_s: float = 60.0) -> JobPlan:
    return JobPlan(
        algorithm=spec, variables=[TARGET], covariables=[FEATURE], grouping=[],
        parameters={"alpha": "1"}, datasets=["sample"], data=rows(),
        request={"algorithm": {"code": spec.code}}, timeout_s=timeout_s,
    )


def kfold(k: int, seed: int = 7, index: int = 0) -> ValidationPlan:
    return ValidationPlan(index, "kfold", "kfold", k, make_folds(ROWS, k, seed))


def algorithm_plan(spec: AlgorithmSpec, index: int = 0, k: int | None = 2) -> AlgorithmPlan:
    validations = [kfold(k)] if k is not None and spec.predictive else []
    skipped = None if spec.predictive else f"'{spec.code}' is not a predictive algorithm"
    return AlgorithmPlan(index=index, code=spec.code, name=spec.label, job=job_plan(spec),
                         validations=validations,
                         validations_skipped=skipped if k is not None else None)


def experiment_plan(*algorithms: AlgorithmPlan, experiment_id: str | None = None) -> ExperimentPlan:
    return ExperimentPlan(
        experiment_id=experiment_id or str(uuid.uuid4()), seed=7, target=TARGET,
        algorithms=list(algorithms), request={"algorithms": [a.code for a in algorithms]},
    )


def persisted(context: StubContext, plan: ExperimentPlan) -> ExperimentPlan:
    """The plan with its experiment's and jobs' rows in woken-db, as `submit_experiment`
    writes them before an actor starts (once: a restarted test finds them there)."""
    if context.woken_db.get_experiment(plan.experiment_id) is None:
        persist_experiment(context, plan)  # type: ignore[arg-type]
    return plan


def resumed(plan: ExperimentPlan) -> ExperimentPlan:
    """The plan as `resume_experiment` makes it after a restart: stored jobs are reused."""
    return replace(plan, resumed=True)


def batch_result(spec: JobSpec) -> dict[str, Any]:
    """What `cross_validate` writes: the model, and 4.0 predicted for each held-out row."""
    folds = read_json(spec.volume / FOLDS_FILE)["validations"][0]["fold_of_row"]
    return {"model": {"type": "model", "weights": [2.0]}, "validations": [{"index": 0, "folds": [
        {"fold": f, "predictions": [4.0] * folds.count(f), "fit_time_s": 0.1 * (f + 1)}
        for f in sorted(set(folds))
    ]}]}


def job_id_of(plan: ExperimentPlan, step: str) -> str:
    return derived_id(plan.experiment_id, step)
