"""The search's finish line: the time kept for the selection and the refit (issue 25).

The reserve is computed from times the candidates report (set by hand here: no timing
is asserted), and a candidate past the finish line is given up after its current fit.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.naive_bayes import GaussianNB

from woken.algorithms.tpot import budget, selection
from woken.algorithms.tpot.budget import Clock, reserve_for
from woken.algorithms.tpot.candidates import Candidate, Splits, evaluate


def _timed(seconds: float, scoring_s: float, score: float | None = 0.9) -> Candidate:
    return Candidate(name=f"c{seconds}", source="portfolio", pipeline=None, score=score,
                     seconds=seconds, scoring_s=scoring_s)


def test_nothing_scored_reserves_nothing_measured() -> None:
    assert reserve_for([], fits_each=15) is None
    assert reserve_for([_timed(3.0, 0.1, score=None)], fits_each=15) is None


def test_the_reserve_is_the_selections_scorings_and_the_refit_of_the_best() -> None:
    scored = [_timed(15.0, 0.01), _timed(15.5, 0.02), _timed(16.0, 0.03), _timed(30.5, 0.5)]
    failed = _timed(300.0, 9.0, score=None)  # left out: it is not among the choices
    # Four scored (and room for TPOT's best): each scoring as long as their median...
    scorings = selection.scorings(5)
    assert scorings == 5 * len(selection.SMOOTHINGS) + 1 + selection.STEPS * selection.TOP + 2
    # ...and the refit of each (at most TOP): one fit of its cross-validation (15 fits).
    fits = [(15.0 - 0.01) / 15, (15.5 - 0.02) / 15, (16.0 - 0.03) / 15, (30.5 - 0.5) / 15]
    expected = budget.RESERVE_MARGIN * (0.025 * scorings + sum(fits))
    assert reserve_for([*scored, failed], fits_each=15) == pytest.approx(expected)


def test_only_the_top_best_are_reserved_a_refit() -> None:
    # The slowest is the worst: the blend is made of the best, its fit is not reserved.
    many = [Candidate(name=f"c{i}", source="portfolio", pipeline=None, score=1.0 - i / 100,
                      seconds=float(i + 1)) for i in range(selection.TOP + 3)]
    best = [float(i + 1) for i in range(selection.TOP)]
    assert reserve_for(many, fits_each=1) == pytest.approx(budget.RESERVE_MARGIN * sum(best))


def test_the_finish_line_is_the_budget_less_the_reserve() -> None:
    clock = Clock(20.0, started=0.0)
    # Nothing measured yet: the share the budget leaves.
    assert clock.finish_line() == pytest.approx(20.0 * budget.FINISH_SHARE)
    clock.reserve_s = 1.5
    assert clock.finish_line() == pytest.approx(18.5)
    clock.reserve_s = 25.0  # a reserve beyond the budget: the search phases end at once
    assert clock.finish_line() == 0.0 and clock.out_of_time()


def test_a_step_is_out_of_time_when_it_would_end_past_the_finish_line() -> None:
    clock = Clock(20.0, started=time.monotonic() + 3600.0)  # an hour before it starts
    clock.reserve_s = 2.0
    assert not clock.out_of_time(next_s=60.0)
    assert clock.out_of_time(next_s=3600.0 + 18.0)


class _Counting(GaussianNB):
    fits = 0

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _Counting:
        _Counting.fits += 1
        return super().fit(X, y)


def test_a_candidate_past_the_finish_line_stops_after_its_current_fit() -> None:
    X, y = load_iris(return_X_y=True)
    shuffles = Splits("classification", 5, 0, 3).shuffles(X, y)
    _Counting.fits = 0
    asked: list[float] = []
    stopped = evaluate(Candidate("nb", "portfolio", _Counting()), X, y, shuffles, "accuracy",
                       3, out_of_time=lambda fit_s: asked.append(fit_s) is None)
    assert len(asked) == 1 and asked[0] >= 0  # told what the fit took
    assert _Counting.fits == 1
    assert stopped.score is None and stopped.predictions == []
    assert stopped.error is not None and stopped.error.startswith("stopped")
    _Counting.fits = 0
    scored = evaluate(Candidate("nb", "portfolio", _Counting()), X, y, shuffles, "accuracy", 3)
    assert _Counting.fits == 15 and scored.score is not None and scored.scoring_s > 0
    assert np.isfinite(scored.score)
