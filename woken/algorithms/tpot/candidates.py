"""Scoring candidate pipelines by the search's internal cross-validation, and ensembles.

Every candidate (a portfolio member, TPOT's best, an ensemble) is scored on the same
splits with the same scorer as TPOT scores its pipelines (`splitter`), so that their
scores can be compared and the best one chosen.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

# An ensemble averages at most this many of the best distinct candidates.
ENSEMBLE_SIZE = 3


@dataclass
class Candidate:
    """A pipeline, its name in words, where it came from, and its internal score."""

    name: str
    source: str  # "portfolio", "tpot" or "ensemble"
    pipeline: Any
    score: float | None = None
    seconds: float = 0.0
    error: str | None = None

    def report(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "name": self.name, "source": self.source,
            "cv_score": self.score, "seconds": round(self.seconds, 3),
        }
        if self.error:
            entry["error"] = self.error
        return entry


def splitter(problem_type: str, cv: int, random_state: int) -> KFold | StratifiedKFold:
    """The internal folds, built as TPOT 1.1 builds them from an int (and handed to it)."""
    if problem_type == "classification":
        return StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return KFold(n_splits=cv, shuffle=True, random_state=random_state)


def evaluate(
    candidate: Candidate, X: npt.NDArray[np.float64], y: npt.NDArray[Any],
    folds: KFold | StratifiedKFold, scoring: str,
) -> Candidate:
    """Score the candidate in place (mean over folds); a failure is recorded, not raised."""
    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings by the dozen
            scores = cross_val_score(candidate.pipeline, X, y, cv=folds, scoring=scoring,
                                     error_score="raise", n_jobs=1)
        score = float(np.mean(scores))
        if np.isfinite(score):
            candidate.score = score
        else:
            candidate.error = "no finite score"
    except Exception as error:  # a member that cannot fit these rows is left out, said why
        candidate.error = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
    candidate.seconds = time.monotonic() - started
    return candidate


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    """The scored candidates, best first (ties: the earlier, i.e. the cheaper, first)."""
    scored = [c for c in candidates if c.score is not None]
    return sorted(scored, key=lambda c: -float(c.score))  # type: ignore[arg-type]


def ensemble_of(best: list[Candidate], problem_type: str) -> Candidate | None:
    """Soft voting (classification) or averaging (regression) of the best few candidates.

    Soft voting needs class probabilities: members without them are left out. None when
    fewer than two members remain.
    """
    members = [c for c in best if problem_type != "classification"
               or hasattr(c.pipeline, "predict_proba")][:ENSEMBLE_SIZE]
    if len(members) < 2:
        return None
    estimators = [(f"m{i}", clone(c.pipeline)) for i, c in enumerate(members)]
    ensemble: Any = (VotingClassifier(estimators, voting="soft")
                     if problem_type == "classification" else VotingRegressor(estimators))
    kind = "soft-voting" if problem_type == "classification" else "averaging"
    names = [c.name for c in members]
    words = ", ".join(names[:-1]) + " and " + names[-1]
    return Candidate(name=f"{kind} ensemble of {words}", source="ensemble", pipeline=ensemble)
