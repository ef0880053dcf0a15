"""Candidate pipelines, the internal splits they are all scored on, and their scoring.

Every candidate (a portfolio member, TPOT's best) is cross-validated on the same
splits with the same scorer, and keeps its out-of-fold predictions: their scores
compare, and `selection` can blend candidates and score the blend without refitting.

On a small table one 5-fold cross-validation is a noisy judge: with 30 rows per fold,
one row is 3 points of accuracy, and the member that wins by chance on one shuffle
loses on the outer test rows. Below `FEW_ROWS` rows the splits are repeated with
`REPEATS` shuffles (auto-sklearn and AutoGluon repeat, or bag, on small data too).

TPOT searches on a shuffle of its own, none of these: its best was picked among many
on its folds, so its score there is biased upwards; scored again on the candidates'
shuffles, where nothing was picked, it compares with them.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold

from woken.algorithms.tpot.metrics import Predictions, score

# Fewer training rows than this: the internal splits are repeated...
FEW_ROWS = 1000
# ...with this many shuffles (the portfolio's members cost a few seconds each at most).
REPEATS = 3

Split = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


@dataclass(frozen=True)
class Splits:
    """The internal splits: ``repeats`` shuffles of ``cv`` folds each."""

    problem_type: str
    cv: int
    random_state: int
    repeats: int

    @classmethod
    def for_rows(cls, problem_type: str, cv: int, random_state: int, n_rows: int) -> Splits:
        return cls(problem_type, cv, random_state, REPEATS if n_rows < FEW_ROWS else 1)

    def splitter(self, repeat: int = 0) -> KFold | StratifiedKFold:
        """One shuffle's folds, as TPOT 1.1 builds them from an int."""
        seed = (self.random_state + repeat) % 2**32
        if self.problem_type == "classification":
            return StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=seed)
        return KFold(n_splits=self.cv, shuffle=True, random_state=seed)

    def shuffles(self, X: npt.NDArray[Any], y: npt.NDArray[Any]) -> list[list[Split]]:
        return [list(self.splitter(r).split(X, y)) for r in range(self.repeats)]

    def tpot_splitter(self) -> KFold | StratifiedKFold:
        """The folds TPOT searches on: the shuffle after the candidates' last."""
        return self.splitter(self.repeats)


@dataclass(eq=False)  # compared by identity: it holds arrays
class Candidate:
    """A pipeline, its name in words, where it came from, and how it cross-validated."""

    name: str
    source: str  # "portfolio", "tpot" or "ensemble"
    pipeline: Any
    score: float | None = None
    seconds: float = 0.0
    error: str | None = None
    # One array of out-of-fold predictions per shuffle (class probabilities or numbers).
    predictions: list[Predictions] = field(default_factory=list, repr=False)
    # The fixed platform algorithm a portfolio member is, at its defaults (None: another).
    algorithm: str | None = None
    # Seconds one scoring of its out-of-fold predictions took (on every internal fold):
    # the unit of the selection's cost (see `budget.reserve_for`).
    scoring_s: float = 0.0

    def report(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "name": self.name, "source": self.source,
            "cv_score": self.score, "seconds": round(self.seconds, 3),
        }
        if self.algorithm:
            entry["algorithm"] = self.algorithm
        if self.error:
            entry["error"] = self.error
        return entry


def fold_scores(
    predictions: list[Predictions], y: npt.NDArray[Any], shuffles: list[list[Split]],
    scoring: str,
) -> list[float]:
    """The scorer on each test fold of each shuffle, from out-of-fold predictions."""
    return [score(scoring, y[test], shuffle_predictions[test])
            for shuffle_predictions, shuffle in zip(predictions, shuffles, strict=True)
            for _, test in shuffle]


def mean_score(
    predictions: list[Predictions], y: npt.NDArray[Any], shuffles: list[list[Split]],
    scoring: str,
) -> float:
    """The mean over all folds of all shuffles (what TPOT reports, for one shuffle)."""
    return float(np.mean(fold_scores(predictions, y, shuffles, scoring)))


def timed_score(
    candidate: Candidate, y: npt.NDArray[Any], shuffles: list[list[Split]], scoring: str,
) -> float:
    """The candidate's mean score over ``shuffles``; the time it took is its `scoring_s`."""
    started = time.monotonic()
    value = mean_score(candidate.predictions, y, shuffles, scoring)
    candidate.scoring_s = time.monotonic() - started
    return value


class OutOfTime(Exception):
    """The search's time ran out while a candidate was cross-validated."""


def evaluate(
    candidate: Candidate, X: npt.NDArray[np.float64], y: npt.NDArray[Any],
    shuffles: list[list[Split]], scoring: str, n_classes: int | None,
    out_of_time: Callable[[float], bool] = lambda fit_s: False,
) -> Candidate:
    """Cross-validate the candidate in place; a failure is recorded, not raised.

    ``n_classes``: the number of classes (the targets are their indices), None for a
    regression. ``out_of_time`` is asked after each fit, with the seconds that fit took
    (the estimate of the next): once it says so, the candidate is given up, recorded as
    stopped (a search then ends by its finish line, not a whole cross-validation later).
    """
    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings by the dozen
            candidate.predictions = [
                _out_of_fold(candidate.pipeline, X, y, shuffle, n_classes, out_of_time)
                for shuffle in shuffles
            ]
        value = timed_score(candidate, y, shuffles, scoring)
        if np.isfinite(value):
            candidate.score = value
        else:
            candidate.error = "no finite score"
    except OutOfTime:
        candidate.error = "stopped: the search's time ran out during its cross-validation"
        candidate.predictions = []
    except Exception as error:  # a member that cannot fit these rows is left out, said why
        candidate.error = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
        candidate.predictions = []
    candidate.seconds = time.monotonic() - started
    return candidate


def add_shuffle(
    candidates: list[Candidate], X: npt.NDArray[np.float64], y: npt.NDArray[Any],
    shuffle: list[Split], n_classes: int | None, out_of_time: Callable[[float], bool],
    fold_s: float,
) -> list[Split]:
    """Cross-validate every candidate on one more shuffle, fold by fold, while time allows.

    Each fold is fitted by every candidate before the next one starts, so that the folds
    all of them finished count even when the clock stops the shuffle: a fold is started
    when ``out_of_time(fold_s)`` says one more (``fold_s`` seconds, then as long as the
    last one took) ends in time, and one that the clock or a failing fit stops is
    dropped. The candidates' predictions grow by the shuffle's arrays, and the returned
    folds (a prefix of ``shuffle``; empty: nothing was added) are what to score them on.
    """
    added = [_no_predictions(len(y), n_classes) for _ in candidates]
    done: list[Split] = []
    last = len(candidates) - 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings by the dozen
        for fold in shuffle:
            if out_of_time(fold_s):
                break
            fold_started = time.monotonic()
            try:
                for i, (candidate, predictions) in enumerate(zip(candidates, added,
                                                                 strict=True)):
                    started = time.monotonic()
                    try:
                        _fit_fold(candidate.pipeline, X, y, fold, n_classes, predictions)
                    finally:
                        candidate.seconds += time.monotonic() - started
                    if i < last and out_of_time(0.0):
                        raise OutOfTime
            except Exception:  # out of time, or a fold one cannot fit: the fold is dropped
                break
            done.append(fold)
            fold_s = time.monotonic() - fold_started
    if done:
        for candidate, predictions in zip(candidates, added, strict=True):
            candidate.predictions.append(predictions)
    return done


def _out_of_fold(
    pipeline: Any, X: npt.NDArray[np.float64], y: npt.NDArray[Any], shuffle: list[Split],
    n_classes: int | None, out_of_time: Callable[[float], bool],
) -> Predictions:
    predictions = _no_predictions(len(y), n_classes)
    for fold in shuffle:
        started = time.monotonic()
        _fit_fold(pipeline, X, y, fold, n_classes, predictions)
        if out_of_time(time.monotonic() - started):
            raise OutOfTime
    return predictions


def _no_predictions(rows: int, n_classes: int | None) -> Predictions:
    """The out-of-fold predictions of one shuffle before any fold is fitted."""
    return np.zeros((rows, n_classes) if n_classes else rows)


def _fit_fold(
    pipeline: Any, X: npt.NDArray[np.float64], y: npt.NDArray[Any], fold: Split,
    n_classes: int | None, predictions: Predictions,
) -> None:
    """Fit a clone of ``pipeline`` on the fold's training rows; predict its test rows."""
    train, test = fold
    fitted = clone(pipeline).fit(X[train], y[train])
    predictions[test] = predict(fitted, X[test], n_classes)


def predict(fitted: Any, X: npt.NDArray[np.float64], n_classes: int | None) -> Predictions:
    """Numbers for a regression; for a classification, probabilities of every class index.

    A class absent from a training fold gets probability 0; a classifier without
    probabilities gives 1 to the class it predicts.
    """
    if n_classes is None:
        return np.asarray(fitted.predict(X), dtype=np.float64)
    classes = np.asarray(fitted.classes_, dtype=np.int64)
    probabilities = np.zeros((len(X), n_classes))
    if hasattr(fitted, "predict_proba"):
        probabilities[:, classes] = fitted.predict_proba(X)
    else:
        probabilities[np.arange(len(X)), np.asarray(fitted.predict(X), dtype=np.int64)] = 1.0
    return probabilities


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    """The scored candidates, best first (ties: the earlier, i.e. the cheaper, first)."""
    scored = [c for c in candidates if c.score is not None]
    return sorted(scored, key=lambda c: -float(c.score))  # type: ignore[arg-type]
