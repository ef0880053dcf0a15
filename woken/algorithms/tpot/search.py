"""The TPOT search: its settings from the job's parameters, the run, and what it tried.

TPOT 1.1 facts this module is written around (measured here, see issue 4):

- every ``fit()`` starts a dask LocalCluster; with the default ``processes=True``
  it spawns worker processes, which fail inside a daemonic worker: we run it
  in-process (``processes=False, n_jobs=1``), which is also faster and smaller;
- pipelines with inner classifiers (or regressors) always fail in 1.1.0:
  ``allow_inner_classifiers=False`` / ``allow_inner_regressors=False``;
- ``max_time_mins`` defaults to 60 even when ``generations`` is set, and the
  search overshoots it by up to ~25 %: we always pass it, and Woken enforces the
  budget from outside (the manifest's ``budget_*``: budget x 1.25 + 60 s);
- a search bounded by ``generations`` with a fixed ``random_state`` is
  reproducible, one bounded by time is not.
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from woken.algorithms.common.errors import AlgorithmError, InputError
from woken.algorithms.common.inputs import JobInputs

# The parameters' defaults, bounds and values: algorithm.toml, which the container reads.
# One pipeline may not take the whole budget, nor more than TPOT's own default of 10 minutes.
MAX_EVAL_TIME_MINS = 10.0

# scikit-learn scorer names by problem type; "auto" is the first of each.
SCORERS: dict[str, tuple[str, ...]] = {
    "classification": (
        "accuracy", "balanced_accuracy", "f1_weighted", "roc_auc_ovr", "neg_log_loss",
    ),
    "regression": (
        "r2", "neg_mean_squared_error", "neg_root_mean_squared_error",
        "neg_mean_absolute_error", "explained_variance",
    ),
}
AUTO = "auto"
LEADERBOARD_SIZE = 5


@dataclass(frozen=True)
class SearchSettings:
    """The settings of a TPOT search, from the job's parameters."""

    problem_type: str
    max_time_mins: float
    generations: int
    population_size: int
    cv: int
    random_state: int
    scoring: str
    search_space: str

    @classmethod
    def from_inputs(cls, inputs: JobInputs, problem_type: str) -> SearchSettings:
        return cls(
            problem_type=problem_type,
            max_time_mins=inputs.parameters.float_param("max_time_mins"),
            generations=inputs.parameters.int_param("generations"),
            population_size=inputs.parameters.int_param("population_size"),
            cv=inputs.parameters.int_param("cv"),
            random_state=inputs.parameters.int_param("random_state"),
            scoring=resolve_scoring(inputs.str_param("scoring", AUTO), problem_type),
            search_space=inputs.parameters.str_param("search_space"),
        )

    @property
    def max_eval_time_mins(self) -> float:
        return min(self.max_time_mins, MAX_EVAL_TIME_MINS)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "max_eval_time_mins": self.max_eval_time_mins}


def resolve_scoring(scoring: str, problem_type: str) -> str:
    """The scorer's name: "auto" is the problem's default; the other kind's scorers are refused."""
    scoring = scoring.strip()
    if scoring == AUTO:
        return SCORERS[problem_type][0]
    if scoring in SCORERS[problem_type]:
        return scoring
    other = next((p for p, names in SCORERS.items() if scoring in names), None)
    known = ", ".join((AUTO, *SCORERS[problem_type]))
    if other is not None:
        raise InputError(
            f"scoring '{scoring}' is for {other}, but this target poses a {problem_type} "
            f"problem: use one of {known}"
        )
    raise InputError(f"parameter 'scoring' must be one of {known}, got {scoring!r}")


@dataclass(frozen=True)
class SearchOutcome:
    """The best pipeline (fitted on all training rows) and the summary of the search."""

    pipeline: Any
    summary: dict[str, Any]


def run_search(
    settings: SearchSettings, X: npt.NDArray[np.float64], y: npt.NDArray[Any]
) -> SearchOutcome:
    """Run TPOT on encoded features and a target (class indices for a classification)."""
    if len(y) < settings.cv:
        raise InputError(
            f"{len(y)} training rows are too few for cv = {settings.cv} internal folds"
        )
    estimator = _estimator(settings)
    _say(
        f"{settings.problem_type} search on {X.shape[0]} rows x {X.shape[1]} features: "
        f"{settings.generations} generations x {settings.population_size} pipelines, "
        f"cv = {settings.cv}, scoring {settings.scoring}, budget {settings.max_time_mins} min"
    )
    started = time.monotonic()
    with warnings.catch_warnings():
        # The pipelines TPOT tries warn by the hundred (convergence, deprecations); they
        # would bury the one line of a real failure at the tail of stderr.
        warnings.simplefilter("ignore")
        try:
            estimator.fit(X, y)
        except Exception as error:
            explained = _explained(error, settings, time.monotonic() - started)
            if explained is None:
                raise
            raise explained from error
    elapsed = time.monotonic() - started
    evaluated = getattr(estimator, "evaluated_individuals", None)
    summary = summarize(evaluated, estimator.objective_names[0], settings.scoring, elapsed)
    pipeline = getattr(estimator, "fitted_pipeline_", None)
    if pipeline is None or summary["best_cv_score"] is None or not _is_fitted(pipeline):
        raise AlgorithmError(
            f"TPOT found no working pipeline: {summary['pipelines_evaluated']} evaluated, "
            f"{summary['pipelines_failed']} failed, {summary['pipelines_timed_out']} timed out "
            f"in {elapsed:.1f} s (a larger time budget or more training rows may help)"
        )
    selected = getattr(estimator, "selected_best_score", None)
    if selected is not None:
        score = pd.to_numeric(pd.Series([selected.get(estimator.objective_names[0])]),
                              errors="coerce").iloc[0]
        if pd.notna(score):
            summary["best_cv_score"] = float(score)
    _say(
        f"{summary['pipelines_evaluated']} pipelines evaluated ({summary['pipelines_failed']} "
        f"failed, {summary['pipelines_timed_out']} timed out) in {elapsed:.1f} s; best "
        f"{settings.scoring} {summary['best_cv_score']:.4g}: {one_line(pipeline)}"
    )
    return SearchOutcome(pipeline=pipeline, summary=summary)


def _explained(
    error: Exception, settings: SearchSettings, elapsed_s: float
) -> AlgorithmError | None:
    """The error of a search that scored no pipeline, in the job's terms (None: another error).

    TPOT 1.1 raises a bare Exception when no pipeline of its first generation was
    scored: say why, and which parameter to change.
    """
    text = str(error)
    if "No individuals could be evaluated" not in text:
        return None
    if "time limit" in text:
        return AlgorithmError(
            f"the time budget of {settings.max_time_mins:g} min ran out after "
            f"{elapsed_s:.1f} s, before TPOT could score any pipeline of its first "
            "generation: give a larger max_time_mins or a smaller population_size"
        )
    return AlgorithmError(
        "every pipeline of TPOT's first generation failed on these rows (three tries): "
        f"check that each class has at least cv = {settings.cv} training rows"
    )


def summarize(
    evaluated: pd.DataFrame | None, score_column: str, scoring: str, elapsed_s: float
) -> dict[str, Any]:
    """Counts, best internal score and a leaderboard from TPOT's ``evaluated_individuals``."""
    if evaluated is None or len(evaluated) == 0:
        return {
            "scoring": scoring, "pipelines_evaluated": 0, "pipelines_failed": 0,
            "pipelines_timed_out": 0, "generations_completed": 0, "best_cv_score": None,
            "search_time_s": round(elapsed_s, 3), "leaderboard": [],
        }
    errors = evaluated.get("Eval Error", pd.Series(index=evaluated.index, dtype=object))
    scores = pd.to_numeric(evaluated[score_column], errors="coerce")
    valid = evaluated[scores.notna() & errors.isna()].assign(_score=scores)
    ranked = valid.sort_values("_score", ascending=False, kind="stable")
    leaderboard: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _, row in ranked.iterrows():
        text = one_line(row["Instance"])
        if text in seen:  # mutations can rebuild a pipeline already tried
            continue
        seen.add(text)
        leaderboard.append({
            "rank": len(leaderboard) + 1,
            "score": float(row["_score"]),
            "estimator": steps_of(row["Instance"])[-1],
            "steps": steps_of(row["Instance"]),
            "generation": _int_or_none(row.get("Generation")),
            "pipeline": text,
        })
        if len(leaderboard) == LEADERBOARD_SIZE:
            break
    generations = pd.to_numeric(evaluated.get("Generation"), errors="coerce")
    return {
        "scoring": scoring,
        "pipelines_evaluated": len(evaluated),
        "pipelines_failed": int((errors == "INVALID").sum()),
        "pipelines_timed_out": int((errors == "TIMEOUT").sum()),
        "generations_completed": int(generations.max()) + 1 if generations.notna().any() else 0,
        "best_cv_score": float(ranked["_score"].iloc[0]) if len(ranked) else None,
        "search_time_s": round(elapsed_s, 3),
        "leaderboard": leaderboard,
    }


def steps_of(pipeline: Any) -> list[str]:
    """The class names of a pipeline's steps (the estimator itself if it is no Pipeline)."""
    steps = getattr(pipeline, "steps", None)
    if steps is None:
        return [type(pipeline).__name__]
    return [type(step).__name__ for _, step in steps]


def one_line(pipeline: Any) -> str:
    """``str(pipeline)`` with its layout whitespace collapsed, for tables and logs."""
    return " ".join(str(pipeline).split())


def _estimator(settings: SearchSettings) -> Any:
    # Imported here: TPOT (with dask, xgboost, lightgbm) takes seconds to import.
    from tpot import TPOTClassifier, TPOTRegressor

    common: dict[str, Any] = {
        "search_space": settings.search_space,
        "scorers": [settings.scoring],
        "scorers_weights": [1],
        "cv": settings.cv,
        "max_time_mins": settings.max_time_mins,
        "max_eval_time_mins": settings.max_eval_time_mins,
        "generations": settings.generations,
        "population_size": settings.population_size,
        "random_state": settings.random_state,
        "n_jobs": 1,
        "processes": False,
        "verbose": 0,
    }
    if settings.problem_type == "classification":
        return TPOTClassifier(allow_inner_classifiers=False, **common)
    return TPOTRegressor(allow_inner_regressors=False, **common)


def _is_fitted(pipeline: Any) -> bool:
    """TPOT leaves the last candidate in place, unfitted, when every refit on all rows failed."""
    try:
        check_is_fitted(pipeline)
    except NotFittedError:
        return False
    return True


def _int_or_none(value: Any) -> int | None:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else int(number)


def _say(message: str) -> None:
    print(f"tpot: {message}", file=sys.stderr, flush=True)
