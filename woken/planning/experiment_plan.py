"""An experiment ready to run: every algorithm's plan, and the folds of its validations.

Planning selects the rows once, checks every algorithm and validation against
the request (so that a mistake is a 400 before anything runs), and draws the
folds from the experiment's seed: a resumed experiment plans the same folds.

Multi-site validation (2019 `trainingDatasets` / `validationDatasets`): the models
are trained on the training datasets' rows (k-fold runs there too), and each
held-out dataset is one more validation: the model trained on all the training
rows predicts that dataset's rows, scored like a fold.
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from woken.errors import BadRequest
from woken.features.selection import SelectedData
from woken.features.variables import ProblemType, VariableMeta
from woken.planning.job_plan import JobPlan
from woken.planning.limits import check_experiment_jobs
from woken.planning.planner import (
    PlanningContext,
    check_algorithm,
    context,
    job_plan,
    resolve_selection,
    select_rows,
)
from woken.planning.provenance import ResultContext
from woken.planning.queries import ExperimentQuery, ValidationRequest
from woken.results.experiment import EXPERIMENT_FUNCTION
from woken.validation.folds import Fold, make_folds
from woken.validation.requested import kfold_k

# The validation that scores the trained model on a held-out dataset's rows.
VALIDATION_DATASET = "validationDataset"


@dataclass(frozen=True)
class ValidationPlan:
    """One validation of an algorithm: k and its folds."""

    index: int
    code: str
    name: str
    k: int
    folds: list[Fold]
    # A held-out dataset's rows (multi-site validation): its one fold trains on all
    # the training rows and predicts these. None for k-fold.
    held_out: SelectedData | None = None
    dataset: str | None = None


@dataclass(frozen=True)
class AlgorithmPlan:
    """One algorithm of an experiment: its model's job and its validations."""

    index: int
    code: str
    name: str
    # The algorithm on all the selected rows: the model the result shows.
    job: JobPlan
    validations: list[ValidationPlan]
    # Why the requested validations do not run for this algorithm (not predictive).
    validations_skipped: str | None = None
    # Its validations and its model run as one `cross_validate` job (see `batch_job`).
    batched: bool = False

    def batch_job(self) -> JobPlan:
        """The one job of a batched algorithm: all rows once, the fold of each row.

        Its time limit covers the fits it makes: one per fold and the final model.
        """
        fits = 1 + sum(v.k for v in self.validations)
        folds = {"validations": [
            {"index": v.index, "k": v.k, "fold_of_row": fold_of_row(v.folds)}
            for v in self.validations
        ]}
        return dataclasses.replace(self.job, folds=folds, timeout_s=self.job.timeout_s * fits)


@dataclass(frozen=True)
class ExperimentPlan:
    """An experiment ready to run: its id, seed, target and algorithms."""

    experiment_id: str
    seed: int
    target: VariableMeta
    algorithms: list[AlgorithmPlan]
    request: dict[str, Any]
    # The 2019 fields of its result (provenance, feedback, the query as understood).
    context: ResultContext | None = None
    # Started again after a restart: some of its jobs may have run already, and their
    # stored results are reused. A new experiment's jobs are the rows just written with it.
    resumed: bool = False

    @property
    def problem_type(self) -> ProblemType:
        problem = self.target.problem_type
        if problem is None:
            # `plan_experiment` refuses such a target: a plan without one is a bug, and
            # actors read this property, so it must not look like a request error.
            raise ValueError(f"an experiment plan with target '{self.target.code}', no target")
        return problem

    @property
    def labels(self) -> list[str] | None:
        """All the target's classes, in metadata order (None for regression)."""
        if self.problem_type is ProblemType.CLASSIFICATION:
            return [e["code"] for e in self.target.enumerations]
        return None

    def fold_job(
        self, algorithm: AlgorithmPlan, fold: Fold, validation: ValidationPlan | None = None
    ) -> tuple[JobPlan, list[Any]]:
        """The train/test job of one fold, and the held-out truth Woken keeps for scoring."""
        data = algorithm.job.data
        tested = validation.held_out if validation and validation.held_out else data
        target_column = data.columns.index(self.target.code)
        features = [i for i in range(len(data.columns)) if i != target_column]
        train = SelectedData(data.columns, [data.rows[i] for i in fold.train_rows])
        # The rows to predict go without their target: the algorithm never sees the truth.
        test = SelectedData(
            [data.columns[i] for i in features],
            [[tested.rows[r][i] for i in features] for r in fold.test_rows],
        )
        truth = [tested.rows[r][target_column] for r in fold.test_rows]
        return dataclasses.replace(algorithm.job, data=train, test_data=test), truth

    def fold_truth(self, algorithm: AlgorithmPlan, fold: Fold) -> list[Any]:
        """The held-out truth of one fold (what `fold_job` returns beside the job)."""
        data = algorithm.job.data
        target_column = data.columns.index(self.target.code)
        return [data.rows[r][target_column] for r in fold.test_rows]


def plan_experiment(
    services: PlanningContext, query: ExperimentQuery, experiment_id: str | None = None,
    seed: int | None = None,
) -> ExperimentPlan:
    with services.features.snapshot():
        return _plan_experiment(services, query, experiment_id, seed)


def _plan_experiment(
    services: PlanningContext, query: ExperimentQuery, experiment_id: str | None,
    seed: int | None,
) -> ExperimentPlan:
    limits = services.config.limits
    # Each algorithm is at least one job: refused before any planning work.
    check_experiment_jobs(len(query.algorithms), limits)
    selection = resolve_selection(
        services, query, query.training_datasets, query.validation_datasets
    )
    if len(selection.variables) != 1:
        raise BadRequest(
            f"an experiment needs exactly one variable (target), got {len(selection.variables)}"
        )
    target = selection.variables[0]
    if target.problem_type is None:
        raise BadRequest(f"variable '{target.code}' of type '{target.type}' cannot be a target")
    specs = [services.registry.get(requested.code) for requested in query.algorithms]
    # Rows missing a covariable's value reach the algorithms only when every one of them
    # handles missing values (an AutoML-only experiment): the folds and the scores must be
    # the same rows for all. A row missing the target is left out: it has no truth to score.
    keep_missing, required = all(spec.keeps_missing for spec in specs), [target.code]
    data, rows = select_rows(services, selection, role="training" if selection.scope.held_out
                             else "data", keep_missing=keep_missing, required=required)
    seed = seed if seed is not None else query.seed
    seed = seed if seed is not None else secrets.randbelow(2**31)
    # Stratify the folds by the target's class (the first selected column).
    labels = [row[0] for row in data.rows] if target.is_nominal else None
    validations = _validations(query.validations, len(data.rows), seed, labels)
    for dataset in selection.scope.held_out:
        held_out, counts = select_rows(services, selection, [dataset], role="validation",
                                       keep_missing=keep_missing, required=required)
        rows.extend(counts)
        validations.append(ValidationPlan(
            index=len(validations), code=VALIDATION_DATASET, name=dataset, k=1,
            folds=[Fold(0, tuple(range(len(data.rows))), tuple(range(len(held_out.rows))))],
            held_out=held_out, dataset=dataset,
        ))
    result_context = context(selection, EXPERIMENT_FUNCTION, rows)

    algorithms = []
    for index, (requested, spec) in enumerate(zip(query.algorithms, specs, strict=True)):
        parameters = check_algorithm(spec, requested.parameters, selection)
        job = job_plan(services, selection, data, spec, parameters,
                       dataclasses.replace(result_context, algorithm=spec.code))
        skipped = None
        if validations and not spec.predictive:
            skipped = f"'{spec.code}' is not a predictive algorithm: it is not cross-validated"
        elif validations and not {"train", "test"} <= set(spec.commands):
            skipped = f"'{spec.code}' has no train/test commands: it is not cross-validated"
        # Multi-site validations (a held-out dataset) keep their own train/test pair.
        batched = (bool(validations) and skipped is None and spec.batches_folds
                   and all(v.held_out is None for v in validations)
                   and not services.config.strict_isolation)
        algorithms.append(AlgorithmPlan(
            index=index, code=spec.code, name=requested.name or spec.label, job=job,
            validations=[] if skipped else validations, validations_skipped=skipped,
            batched=batched,
        ))
    # A model per algorithm, a train and a test per fold of each validation it runs.
    check_experiment_jobs(sum(1 + sum(2 * v.k for v in a.validations) for a in algorithms),
                          limits)
    return ExperimentPlan(
        experiment_id=experiment_id or str(uuid.uuid4()),
        seed=seed,
        target=target,
        algorithms=algorithms,
        request=query.raw,
        context=result_context,
    )


def fold_of_row(folds: list[Fold]) -> list[int]:
    """The fold whose test rows hold each row, by row number."""
    assignment = [0] * sum(len(f.test_rows) for f in folds)
    for fold in folds:
        for row in fold.test_rows:
            assignment[row] = fold.index
    return assignment


def _validations(
    requested: list[ValidationRequest], n_rows: int, seed: int, labels: list[str] | None
) -> list[ValidationPlan]:
    plans = []
    for index, validation in enumerate(requested):
        k = kfold_k(validation, n_rows)
        folds = make_folds(n_rows, k, seed, labels)
        plans.append(ValidationPlan(index, validation.code, validation.name or validation.code,
                                    k, folds))
    return plans
