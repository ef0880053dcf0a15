"""Choosing the answer: greedy ensemble selection over the candidates' out-of-fold predictions.

Caruana et al. (2004), as auto-sklearn and AutoGluon use it: start from nothing, and
add, one step at a time and with replacement, the candidate whose predictions most
improve the internal score of the running average; keep the best prefix of the steps.
The weights are how often each candidate was added. A single candidate is the case where
one candidate wins every step: the selection is never worse internally than the best
candidate alone, and blends only when the blend scores better on the same splits.

Why not the single best: on a small table the best internal score is mostly luck, and a
blend of the few best averages the luck out (measured on the benchmark's data sets in
`benchmarks/automl_selection.py`). Why only the `TOP` best enter: with more, the greedy
steps fit the noise of the internal folds instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import VotingClassifier, VotingRegressor

from woken.algorithms.tpot.candidates import Candidate, Split, mean_score, ranked

# The best few candidates the greedy steps choose from...
TOP = 5
# ...and how many steps they take (auto-sklearn: 50 over many more models; AutoGluon: 25).
STEPS = 25


@dataclass(frozen=True)
class Selection:
    """The chosen candidates with their weights (steps won), and the blend's internal score."""

    weights: list[tuple[Candidate, int]]
    score: float


def select(
    candidates: list[Candidate], y: npt.NDArray[Any], shuffles: list[list[Split]],
    scoring: str, problem_type: str,
) -> Selection | None:
    """Greedy selection with replacement among the `TOP` best scored candidates.

    None when no candidate was scored. A classifier without class probabilities cannot
    be soft-voted: it only competes alone.
    """
    pool = [c for c in ranked(candidates) if c.predictions][:TOP]
    if not pool:
        return None
    def can_blend(c: Candidate) -> bool:
        return problem_type != "classification" or hasattr(c.pipeline, "predict_proba")

    blendable = [c for c in pool if can_blend(c)]
    options = [Selection([(c, 1)], mean_score(c.predictions, y, shuffles, scoring))
               for c in pool if not can_blend(c)]
    if blendable:
        options.append(_greedy(blendable, y, shuffles, scoring))
    return max(options, key=lambda s: s.score)


def _greedy(
    pool: list[Candidate], y: npt.NDArray[Any], shuffles: list[list[Split]], scoring: str
) -> Selection:
    chosen: list[Candidate] = []
    total = [np.zeros_like(p) for p in pool[0].predictions]
    best_score, best_length = -np.inf, 0
    for _ in range(STEPS):
        # Ties go to the earlier candidate: the better one alone, then the cheaper.
        step_score, step = max(
            (mean_score([(t + p) / (len(chosen) + 1)
                         for t, p in zip(total, c.predictions, strict=True)],
                        y, shuffles, scoring), -i)
            for i, c in enumerate(pool)
        )
        candidate = pool[-step]
        chosen.append(candidate)
        total = [t + p for t, p in zip(total, candidate.predictions, strict=True)]
        if step_score > best_score + 1e-12:
            best_score, best_length = step_score, len(chosen)
    counts = Counter(id(c) for c in chosen[:best_length])
    weights = [(c, counts[id(c)]) for c in pool if counts[id(c)]]
    return Selection(weights=weights, score=float(best_score))


def as_candidate(selection: Selection, problem_type: str) -> Candidate:
    """The selection as one candidate: the one chosen, or a weighted vote of several."""
    if len(selection.weights) == 1:
        return selection.weights[0][0]
    members = [c for c, _ in selection.weights]
    weights = [w for _, w in selection.weights]
    estimators = [(f"m{i}", c.pipeline) for i, c in enumerate(members)]
    ensemble: Any = (
        VotingClassifier(estimators, voting="soft", weights=weights)
        if problem_type == "classification" else VotingRegressor(estimators, weights=weights)
    )
    kind = "soft-voting" if problem_type == "classification" else "averaging"
    total = sum(weights)
    words = ", ".join(f"{c.name} {w}/{total}" for c, w in selection.weights)
    return Candidate(name=f"{kind} ensemble of {words}", source="ensemble",
                     pipeline=ensemble, score=selection.score)
