"""The search: its settings from the job's parameters, the run, and what it tried.

Within the job's budget (see `budget`): first a portfolio of strong, cheap defaults
(`portfolio`), then TPOT's evolutionary search for the time left, then TPOT's best
cross-validated on the portfolio's splits; all are scored on the same internal splits
with the same scorer (`candidates`: repeated shuffles on a small table). TPOT's best
joins the others only when clearly ahead of the portfolio's best there
(`selection.clearly_ahead`: it was picked among dozens on the same rows). The answer is
chosen by greedy ensemble selection over their out-of-fold predictions (`selection`):
the best candidate alone, or a weighted vote of a few when that scores better. It is
refitted on all rows, behind the step that imputes and one-hot encodes (`prepare`).

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
  reproducible, one bounded by time is not;
- a ``cv`` given as a splitter is used as is: TPOT gets a shuffle of its own. Its own
  best score is biased upwards (it was picked among many on those folds): its best is
  scored again on the candidates' shuffles, where nothing was picked, before it is
  compared with them.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from woken.algorithms.common.errors import AlgorithmError, InputError
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.tpot.budget import TPOT_EVAL_SHARE, BackgroundImport, Clock, reserve_for
from woken.algorithms.tpot.candidates import (
    Candidate,
    Split,
    Splits,
    add_shuffle,
    evaluate,
    ranked,
    timed_score,
)
from woken.algorithms.tpot.portfolio import members
from woken.algorithms.tpot.prepare import preparation
from woken.algorithms.tpot.selection import Selection, as_candidate, clearly_ahead, select

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
# The most shuffles the candidates are cross-validated on, with time to spare (AutoGluon
# repeats its bagging up to 20 times; the selection's cost grows with them).
MAX_SHUFFLES = 10
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
        return cls.from_parameters(inputs.parameters, problem_type)

    @classmethod
    def from_parameters(cls, parameters: Parameters, problem_type: str) -> SearchSettings:
        """The settings of these parameters; those not given take the manifest's defaults."""
        return cls(
            problem_type=problem_type,
            max_time_mins=parameters.float_param("max_time_mins"),
            generations=parameters.int_param("generations"),
            population_size=parameters.int_param("population_size"),
            cv=parameters.int_param("cv"),
            random_state=parameters.int_param("random_state"),
            scoring=resolve_scoring(parameters.str_param("scoring", AUTO), problem_type),
            search_space=parameters.str_param("search_space"),
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
    # ``str(pipeline)``: scikit-learn's layout of a vote of pipelines takes seconds (2.4 s
    # for five members on pbc's nominal columns): it is made once, here.
    text: str = ""


def run_search(
    settings: SearchSettings, X: npt.NDArray[np.float64], y: npt.NDArray[Any],
    nominal: Mapping[int, tuple[str, ...]] | None = None,
) -> SearchOutcome:
    """Portfolio, then TPOT, then perhaps an ensemble; the best by internal score, refitted.

    ``X`` holds one column per variable, NaN where a value is missing; ``nominal`` names
    the columns that hold category indices (see `prepare`). ``y``: class indices for a
    classification.
    """
    if len(y) < settings.cv:
        raise InputError(
            f"{len(y)} training rows are too few for cv = {settings.cv} internal folds"
        )
    # One thread for BLAS and OpenMP too (histogram boosting, k-NN): two searches share two
    # cores side by side (the folds of an experiment), and idle-spinning threads of one
    # would slow the other; on a loaded machine a tiny boosting fit took seconds.
    with threadpool_limits(limits=1):
        return _search(settings, X, y, nominal)


def _search(
    settings: SearchSettings, X: npt.NDArray[np.float64], y: npt.NDArray[Any],
    nominal: Mapping[int, tuple[str, ...]] | None,
) -> SearchOutcome:
    clock = Clock(settings.max_time_mins * 60.0)
    importing = BackgroundImport()
    splits = Splits.for_rows(settings.problem_type, settings.cv, settings.random_state, len(y))
    board = _Board(settings, X, y, splits)
    prepare = preparation(X.shape[1], nominal or {})
    _say(
        f"{settings.problem_type} search on {X.shape[0]} rows x {X.shape[1]} variables "
        f"({int(np.isnan(X).any(axis=1).sum())} rows with a missing value): portfolio, then "
        f"{settings.generations} generations x {settings.population_size} pipelines, "
        f"cv = {splits.repeats} x {settings.cv}, scoring {settings.scoring}, "
        f"budget {settings.max_time_mins} min"
    )
    portfolio = _run_portfolio(settings, board, prepare, clock, [], clock.portfolio_left)
    portfolio_s = clock.elapsed()
    tpot = _run_tpot(settings, X, y, splits, prepare, clock, importing)
    search_s = clock.elapsed() - portfolio_s
    extra_shuffles = 0
    if tpot.candidate is None:
        # TPOT gave nothing (too little time, or it failed): the portfolio's members it
        # did not reach take the rest of the search's time, then more shuffles.
        portfolio = _run_portfolio(settings, board, prepare, clock, portfolio, clock.left)
        extra_shuffles = board.more_shuffles(splits, clock, portfolio)
        portfolio_s += clock.elapsed() - portfolio_s - search_s
    compared = list(portfolio)
    if tpot.candidate is not None:
        # TPOT's best on the portfolio's shuffles too, so that their scores compare.
        tpot.candidate.score = None
        board.evaluate(tpot.candidate)
        board.reserve(clock, [*portfolio, tpot.candidate])
        tpot.joins, tpot.verdict = clearly_ahead(tpot.candidate, portfolio, y, board.shuffles,
                                                 settings.scoring)
        if tpot.joins:
            compared.append(tpot.candidate)
    selection = select(compared, y, board.shuffles, settings.scoring, settings.problem_type)
    selection_s = clock.elapsed() - portfolio_s - search_s
    if selection is None:
        raise AlgorithmError(
            "no pipeline could be scored on these rows: every portfolio member failed "
            f"({portfolio[0].error if portfolio else 'none tried'}) and TPOT "
            f"{tpot.status}; check that each class has at least cv = {settings.cv} rows"
        )
    chosen = as_candidate(selection, settings.problem_type)
    pipeline = _refit(chosen, tpot, X, y)
    total_s = clock.elapsed()
    # The same text as the chosen candidate's (a refit changes no parameter).
    text = str(pipeline)
    refit_s = total_s - portfolio_s - search_s - selection_s
    summary = {
        **tpot.summary,
        "tpot_leaderboard": tpot.summary["leaderboard"],
        "best_cv_score": chosen.score,
        "cv_repeats": len(board.shuffles),
        "chosen": {**chosen.report(), "pipeline": one_line(text)},
        "portfolio": [member.report() for member in portfolio],
        "tpot_best": ({**tpot.candidate.report(), "joins_the_vote": tpot.joins,
                       "against_the_portfolio": tpot.verdict} if tpot.candidate else None),
        "tpot_own_cv_score": tpot.own_score,
        "ensemble": _ensemble_report(selection),
        "budget": {
            "budget_s": round(clock.budget_s, 3),
            "portfolio_s": round(portfolio_s, 3),
            "search_s": round(search_s, 3),
            "ensemble_s": round(selection_s, 3),
            "refit_s": round(refit_s, 3),
            "generations": tpot.summary["generations_completed"],
            "tpot_max_time_mins": tpot.minutes,
            "tpot_rounds": tpot.rounds,
            "tpot_import_s": (None if importing.seconds is None
                              else round(importing.seconds, 3)),
            "tpot": tpot.status,
            # Shuffles beyond the first `cv_repeats` - these, on the time TPOT left.
            "extra_shuffles": extra_shuffles,
            # The seconds kept for the selection and the refit (see `budget.reserve_for`),
            # beside what they took: ensemble_s + refit_s.
            "reserved_s": None if clock.reserve_s is None else round(clock.reserve_s, 3),
            # The share of the budget the search used (its phases and the refit).
            "used_share": round(total_s / clock.budget_s, 3),
        },
        "search_time_s": round(total_s, 3),
        "leaderboard": _leaderboard(portfolio, tpot, chosen, one_line(text)),
    }
    _say(
        f"portfolio {portfolio_s:.1f} s ({len(portfolio)} members), TPOT {search_s:.1f} s "
        f"({tpot.status}), selection {selection_s:.1f} s, refit {refit_s:.1f} s; chosen "
        f"{chosen.name} ({chosen.source}), {settings.scoring} {chosen.score:.4g}"
    )
    return SearchOutcome(pipeline=pipeline, summary=summary, text=text)


class _Board:
    """The rows and the internal shuffles every candidate is cross-validated on."""

    def __init__(self, settings: SearchSettings, X: npt.NDArray[np.float64],
                 y: npt.NDArray[Any], splits: Splits) -> None:
        self.X, self.y, self.scoring = X, y, settings.scoring
        self.shuffles: list[list[Split]] = splits.shuffles(X, y)
        # The targets of a classification are class indices 0 .. n - 1 (see `algorithm`).
        self.classes = (int(np.max(y)) + 1
                        if settings.problem_type == "classification" else None)

    def evaluate(self, candidate: Candidate,
                 out_of_time: Callable[[float], bool] = lambda fit_s: False) -> Candidate:
        return evaluate(candidate, self.X, self.y, self.shuffles, self.scoring, self.classes,
                        out_of_time)

    def more_shuffles(self, splits: Splits, clock: Clock, candidates: list[Candidate]) -> int:
        """Cross-validate the scored candidates on more shuffles while the time allows.

        The time TPOT could not use: AutoGluon spends its leftover time the same way,
        repeating its bagging. Each shuffle more makes every score less a matter of
        which rows fell together, on the small tables where the candidates are close.
        Fold by fold (see `add_shuffle`): the last shuffle may be cut short by the
        clock, and its finished folds count. Returns how many shuffles were added.
        """
        scored = [c for c in candidates if c.predictions]
        added = 0
        while scored and len(self.shuffles) < MAX_SHUFFLES:
            fits = sum(len(shuffle) for shuffle in self.shuffles)
            fold_s = sum(c.seconds for c in scored) / fits  # every candidate fits a fold
            # After the candidates' shuffles and TPOT's own (see `Splits.tpot_splitter`).
            splitter = splits.splitter(splits.repeats + 1 + added)
            shuffle = list(splitter.split(self.X, self.y))
            done = add_shuffle(scored, self.X, self.y, shuffle, self.classes,
                               clock.out_of_time, fold_s)
            if not done:
                break
            self.shuffles.append(done)
            added += 1
            for candidate in scored:
                # Timed again: the selection's unit of cost grows with the shuffles
                # (`reserve_for`).
                candidate.score = timed_score(candidate, self.y, self.shuffles, self.scoring)
            self.reserve(clock, candidates)
            if len(done) < len(shuffle):
                break
        return added

    def reserve(self, clock: Clock, candidates: list[Candidate]) -> None:
        """Keep on ``clock`` what choosing among ``candidates`` and the refit will take."""
        fits_each = sum(len(shuffle) for shuffle in self.shuffles)
        reserve = reserve_for(candidates, fits_each)
        if reserve is not None:
            clock.reserve_s = reserve


def _run_portfolio(
    settings: SearchSettings, board: _Board, prepare: Any, clock: Clock,
    tried: list[Candidate], left: Callable[[], float],
) -> list[Candidate]:
    """The members in order after those ``tried``, while ``left()`` has time for them.

    See `has_time_for_next`. A member that fails is reported with its error and left out.
    """
    tried = list(tried)
    earlier = len(tried)
    for member in members(settings.problem_type)[earlier:]:
        if not has_time_for_next(tried[earlier:], bool(tried), left()):
            break
        candidate = Candidate(
            name=member.name, source="portfolio",
            pipeline=member.pipeline(clone(prepare), settings.random_state),
            algorithm=member.algorithm,
        )
        # A member whose next fit would end past the finish line is given up (not the
        # first: even a tiny budget has an answer).
        tried.append(board.evaluate(candidate,
                                    clock.out_of_time if tried else lambda fit_s: False))
        board.reserve(clock, tried)
    return tried


def has_time_for_next(phase: list[Candidate], any_tried: bool, left_s: float) -> bool:
    """Whether the next portfolio member is started, ``left_s`` seconds before the phase ends.

    The very first member is always scored, so that even a tiny budget has an answer.
    Members come cheapest first: one is not started when less time is left than the
    previous one of this ``phase`` took. A later phase (the members TPOT left when it could
    not run) starts its first member whenever time is left: the times of the first phase
    are no estimate of it, they were measured while TPOT was imported on a thread beside
    them (in a fold of blood_storage at load 11, the first member alone took 7 s of the
    portfolio's 8, and the search ended at 60 % of its budget with none of the fixed
    algorithms scored).
    """
    if not any_tried:
        return True
    if not phase:
        return left_s > 0
    return left_s >= phase[-1].seconds


def _ensemble_report(selection: Selection) -> dict[str, Any]:
    """The weights greedy selection gave, or why the answer is one candidate alone."""
    if len(selection.weights) == 1:
        return {"skipped": "greedy selection kept one candidate: no blend scored better"}
    return {
        "cv_score": selection.score,
        "weights": [{"name": c.name, "source": c.source, "weight": w}
                    for c, w in selection.weights],
    }


@dataclass
class TpotRun:
    """What TPOT's part of the budget gave: its best as a candidate, or why there is none."""

    status: str
    summary: dict[str, Any]
    minutes: float | None = None
    candidate: Candidate | None = None
    # The best pipeline already fitted on all rows behind the fitted preparation step.
    fitted: Any = None
    # TPOT's own score of its best, on its own shuffle (biased: it was picked there).
    own_score: float | None = None
    # Its best against the portfolio's best on the same folds (see `selection.clearly_ahead`),
    # and whether that let it join the vote.
    verdict: str = ""
    joins: bool = False
    # The rounds of evolution it ran (each continuing the last one's population).
    rounds: int = 0


def _run_tpot(
    settings: SearchSettings, X: npt.NDArray[np.float64], y: npt.NDArray[Any],
    splits: Splits, prepare: Any, clock: Clock, importing: BackgroundImport,
) -> TpotRun:
    # TPOT was imported in the background while the portfolio was scored (see `budget`).
    unavailable = importing.wait(clock.left())
    minutes = clock.tpot_minutes(repeats=splits.repeats)
    if unavailable is not None or minutes is None:
        return TpotRun(status="skipped: " + (unavailable or "the portfolio spent the budget"),
                       summary=summarize(None, "", settings.scoring, 0.0))
    # TPOT searches complete matrices: the preparation step, fitted on all training rows,
    # is put in front of its pipeline (its internal folds see the same imputed values).
    prepared_step = clone(prepare).fit(X, y)
    prepared = prepared_step.transform(X)
    estimator = _estimator(settings, minutes, splits.tpot_splitter())
    first_minutes, rounds = minutes, 0
    started = time.monotonic()
    with warnings.catch_warnings():
        # The pipelines TPOT tries warn by the hundred (convergence, deprecations); they
        # would bury the one line of a real failure at the tail of stderr.
        warnings.simplefilter("ignore")
        while minutes is not None:
            try:
                estimator.fit(prepared, y)
            except Exception as error:
                if rounds:  # a later round failed: the earlier rounds' best stands
                    break
                elapsed = time.monotonic() - started
                explained = _explained(error, settings, minutes, elapsed)
                return TpotRun(
                    status=f"failed: {explained}", minutes=round(minutes, 4),
                    summary=summarize(None, "", settings.scoring, elapsed),
                )
            rounds += 1
            minutes = _next_round(estimator, settings, clock, splits.repeats)
    elapsed = time.monotonic() - started
    evaluated = getattr(estimator, "evaluated_individuals", None)
    summary = summarize(evaluated, estimator.objective_names[0], settings.scoring, elapsed)
    pipeline = getattr(estimator, "fitted_pipeline_", None)
    if pipeline is None or summary["best_cv_score"] is None or not _is_fitted(pipeline):
        return TpotRun(
            status=(f"found no working pipeline: {summary['pipelines_evaluated']} evaluated, "
                    f"{summary['pipelines_failed']} failed, {summary['pipelines_timed_out']} "
                    f"timed out in {elapsed:.1f} s"),
            summary=summary, minutes=round(first_minutes, 4), rounds=rounds,
        )
    selected = getattr(estimator, "selected_best_score", None)
    if selected is not None:
        score = pd.to_numeric(pd.Series([selected.get(estimator.objective_names[0])]),
                              errors="coerce").iloc[0]
        if pd.notna(score):
            summary["best_cv_score"] = float(score)
    candidate = Candidate(
        name="TPOT pipeline: " + " -> ".join(steps_of(pipeline)), source="tpot",
        pipeline=_tpot_pipeline(clone(prepare), pipeline, fitted=False),
    )
    return TpotRun(
        status="ran", summary=summary, minutes=round(first_minutes, 4), candidate=candidate,
        fitted=_tpot_pipeline(prepared_step, pipeline, fitted=True),
        own_score=summary["best_cv_score"], rounds=rounds,
    )


def _next_round(estimator: Any, settings: SearchSettings, clock: Clock,
                repeats: int) -> float | None:
    """The next round's minutes (None: no further round), set on TPOT's evolver.

    A round ends by its time or by the generations asked for: those end the search. The
    next round continues the population (``warm_start``); TPOT 1.1 gives its evolver the
    time limit and the generation count when it creates it, so they are set on it here
    (``_evolver_instance``: TPOT is pinned, see `model.PINNED`).
    """
    done = _generations_done(getattr(estimator, "evaluated_individuals", None))
    evolver = getattr(estimator, "_evolver_instance", None)
    minutes = clock.tpot_minutes(repeats=repeats)
    if done >= settings.generations or minutes is None or evolver is None:
        return None
    evolver.max_time_mins = minutes
    evolver.generations = settings.generations - done
    return minutes


def _tpot_pipeline(prepare: Any, pipeline: Any, fitted: bool) -> Pipeline:
    """The preparation step, then TPOT's pipeline (fitted as it is, or a fresh copy)."""
    return Pipeline([("prepare", prepare), ("tpot", pipeline if fitted else clone(pipeline))])


def _refit(
    chosen: Candidate, tpot: TpotRun, X: npt.NDArray[np.float64], y: npt.NDArray[Any]
) -> Any:
    """The chosen pipeline fitted on all training rows (TPOT's is already)."""
    if chosen is tpot.candidate:
        return tpot.fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clone(chosen.pipeline).fit(X, y)


def _leaderboard(
    portfolio: list[Candidate], tpot: TpotRun, chosen: Candidate, chosen_text: str
) -> list[dict[str, Any]]:
    """The best few of the candidates scored on the same splits.

    The portfolio's members, TPOT's best, the chosen ensemble (its one-line text given:
    made once); TPOT's own ranking, on its folds, is the summary's ``tpot_leaderboard``.
    """
    scored = [*portfolio, *([tpot.candidate] if tpot.candidate else []),
              *([chosen] if chosen.source == "ensemble" else [])]
    rows = ranked(scored)
    return [
        {"rank": rank, "score": c.score, "estimator": steps_of(c.pipeline)[-1],
         "steps": steps_of(c.pipeline),
         "pipeline": chosen_text if c is chosen else one_line(c.pipeline), "source": c.source,
         "name": c.name}
        for rank, c in enumerate(rows[:LEADERBOARD_SIZE], start=1)
    ]


def _explained(
    error: Exception, settings: SearchSettings, minutes: float, elapsed_s: float
) -> str:
    """Why TPOT scored nothing, in the job's terms; other errors are named as they are.

    TPOT 1.1 raises a bare Exception when no pipeline of its first generation was scored.
    """
    text = str(error)
    if "No individuals could be evaluated" not in text:
        return f"{type(error).__name__}: {' '.join(text.split())[:300]}"
    if "time limit" in text:
        return (
            f"the {minutes * 60:.1f} s left of the time budget of {settings.max_time_mins:g} "
            f"min ran out after {elapsed_s:.1f} s, before TPOT could score any pipeline of "
            "its first generation: give a larger max_time_mins or a smaller population_size"
        )
    return (
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
    return {
        "scoring": scoring,
        "pipelines_evaluated": len(evaluated),
        "pipelines_failed": int((errors == "INVALID").sum()),
        "pipelines_timed_out": int((errors == "TIMEOUT").sum()),
        "generations_completed": _generations_done(evaluated),
        "best_cv_score": float(ranked["_score"].iloc[0]) if len(ranked) else None,
        "search_time_s": round(elapsed_s, 3),
        "leaderboard": leaderboard,
    }


def _generations_done(evaluated: pd.DataFrame | None) -> int:
    """How many generations TPOT's ``evaluated_individuals`` holds (over all its rounds)."""
    if evaluated is None or "Generation" not in evaluated:
        return 0
    generations = pd.to_numeric(evaluated["Generation"], errors="coerce")
    return int(generations.max()) + 1 if generations.notna().any() else 0


def steps_of(pipeline: Any) -> list[str]:
    """The class names of a pipeline's steps, nested pipelines flattened.

    The estimator itself if it is no Pipeline.
    """
    steps = getattr(pipeline, "steps", None)
    if steps is None:
        return [type(pipeline).__name__]
    return [name for _, step in steps for name in steps_of(step)]


def one_line(pipeline: Any) -> str:
    """``str(pipeline)``, or a text made of it, with its layout whitespace collapsed."""
    return " ".join(str(pipeline).split())


def _estimator(settings: SearchSettings, minutes: float, folds: Any) -> Any:
    # Imported here: TPOT (with dask, xgboost, lightgbm) takes seconds to import.
    from tpot import TPOTClassifier, TPOTRegressor

    common: dict[str, Any] = {
        "search_space": settings.search_space,
        "scorers": [settings.scoring],
        "scorers_weights": [1],
        # Its own shuffle (see `candidates`): its scores are rescored on the candidates'.
        "cv": folds,
        "max_time_mins": minutes,
        # Also bounds how late TPOT notices its deadline (see budget.TPOT_EVAL_SHARE).
        "max_eval_time_mins": min(minutes * TPOT_EVAL_SHARE, settings.max_eval_time_mins),
        "generations": settings.generations,
        "population_size": settings.population_size,
        "random_state": settings.random_state,
        "n_jobs": 1,
        "processes": False,
        # Later rounds continue the population of the first (see `_next_round`).
        "warm_start": True,
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
