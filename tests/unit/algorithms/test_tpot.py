"""tpot's search around TPOT: the portfolio, the choice, the preparation step, the budget.

TPOT itself is replaced by a stub that "evolves" two fixed pipelines on the folds it is
given (a real TPOT starts a dask cluster, which opens sockets: its tests are in
tests/integration/algorithms/test_tpot.py). Everything else is real: the portfolio's
cross-validation, the selection, the refit, and the container's commands in-process.
The selection itself, on made-up predictions, is in test_tpot_selection.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tests.unit.algorithms.checks import assert_same_predictions, matrix, train_and_test
from tests.unit.algorithms.volumes import (
    ALGORITHMS_DIR,
    Column,
    diabetes,
    iris,
    nominal,
    read_result,
    write_volume,
)
from woken.algorithms.common.runner import dispatch
from woken.algorithms.tpot import portfolio, search
from woken.algorithms.tpot.algorithm import HANDLERS
from woken.algorithms.tpot.budget import Clock
from woken.algorithms.tpot.candidates import Candidate, Splits
from woken.algorithms.tpot.prepare import preparation
from woken.catalogue.registry import Registry

FAST = {"generations": "1", "population_size": "2", "cv": "3", "search_space": "linear-light"}
TRAIN = list(range(0, 150, 2))
TEST = list(range(1, 150, 2))


class _StubTpot:
    """Stands for TPOT 1.1: scores two pipelines on the given folds, keeps the better one
    refitted on all rows, and leaves what `search.summarize` reads."""

    objective_names = ["score"]

    def __init__(self, folds: Any, scoring: str, generations: int) -> None:
        self.folds, self.scoring, self.generations = folds, scoring, generations

    def fit(self, X: np.ndarray, y: np.ndarray) -> None:
        tried = [make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=500)),
                 make_pipeline(GaussianNB())]
        scores = [float(np.mean(cross_val_score(p, X, y, cv=self.folds, scoring=self.scoring)))
                  for p in tried]
        self.evaluated_individuals = pd.DataFrame({
            "score": scores, "Instance": tried, "Generation": [0.0] * len(tried),
            "Eval Error": [None] * len(tried),
        })
        best = int(np.argmax(scores))
        self.fitted_pipeline_ = clone(tried[best]).fit(X, y)
        self.selected_best_score = {"score": scores[best]}


def _stub(settings: search.SearchSettings, minutes: float, folds: Any) -> _StubTpot:
    return _StubTpot(folds, settings.scoring, settings.generations)


@pytest.fixture(autouse=True)
def stub_tpot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_estimator", _stub)


def _rows_with_gaps() -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, ...]]]:
    """Iris's four measures with gaps, and a nominal column (category indices) with gaps."""
    species, features = iris()
    X = np.column_stack([f.array for f in features]).astype(float)
    y = np.unique(species.array, return_inverse=True)[1]
    rng = np.random.default_rng(0)
    X[rng.random(X.shape) < 0.1] = np.nan
    site = ((y + rng.integers(0, 2, len(y))) % 3).astype(float)  # informative, not decisive
    site[rng.random(len(y)) < 0.1] = np.nan
    return np.column_stack([X, site]), y, {4: ("north", "south", "east")}


SMALL = search.SearchSettings(
    problem_type="classification", max_time_mins=1.0, generations=1, population_size=2, cv=3,
    random_state=7, scoring="accuracy", search_space="linear-light",
)


@pytest.fixture(scope="module")
def outcome() -> Iterator[search.SearchOutcome]:
    """One search, shared by the tests that read it; the cheap half of the portfolio (the
    forests and boostings take seconds each, and are the benchmark's business)."""
    X, y, nominal_columns = _rows_with_gaps()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "_estimator", _stub)
        patch.setattr(search, "members", lambda problem: portfolio.members(problem)[:5])
        # A 3-minute budget, though one generation of 2 pipelines ends in seconds: on a
        # loaded machine the portfolio's share of a 1-minute budget could leave TPOT less
        # than its minimum, and it would be skipped.
        yield search.run_search(replace(SMALL, max_time_mins=3.0), X, y, nominal_columns)


def test_the_portfolio_is_scored_and_reported(outcome: search.SearchOutcome) -> None:
    members = outcome.summary["portfolio"]
    listed = portfolio.members("classification")[:5]
    # Cheapest first; the linear model whatever the load, the others while time lasts.
    assert [m["name"] for m in members] == [m.name for m in listed][: len(members)]
    assert members[0]["name"] == "scaled logistic regression"
    for member, built in zip(members, listed, strict=False):
        assert member["source"] == "portfolio" and member["seconds"] >= 0
        assert "error" not in member and 0.5 < member["cv_score"] <= 1
        # A fixed platform algorithm is named by its code: the user can compare its job.
        assert member.get("algorithm") == built.algorithm


@pytest.mark.parametrize(("problem", "codes"), [
    ("classification", {"knn", "naiveBayes", "sgdLinearModel", "sgdNeuralNetwork",
                        "gradientBoosting"}),
    ("regression", {"knn", "linearRegression", "sgdLinearModel", "sgdNeuralNetwork",
                    "gradientBoosting"}),
])
def test_the_fixed_algorithms_are_members_that_predict_as_their_own_jobs(
    tmp_path: Path, problem: str, codes: set[str]
) -> None:
    fixed = {m.algorithm: m for m in portfolio.members(problem) if m.algorithm}
    assert set(fixed) == codes
    target, features = iris() if problem == "classification" else diabetes()
    rows = len(target.array)
    train, test = list(range(0, rows, 2)), list(range(1, rows, 2))
    X = matrix(features)
    for code, member in fixed.items():
        # The algorithm's own job on a fold, at its manifest's defaults (no parameter given)...
        volume = write_volume(tmp_path / code, algorithm=code, variables=[target],
                              covariables=features, train_rows=train, test_rows=test)
        handlers = importlib.import_module(f"woken.algorithms.{code}.algorithm").HANDLERS
        _, predictions = train_and_test(handlers, volume)
        # ...and the member behind the preparation step, whatever the search's own seed.
        assert code in member.name
        pipeline = member.pipeline(preparation(X.shape[1], {}), random_state=7)
        assert_same_predictions(predictions, pipeline.fit(X[train], target.array[train])
                                .predict(X[test]), target)


def test_the_choice_scores_at_least_the_best_candidate_on_the_same_splits(
    outcome: search.SearchOutcome
) -> None:
    summary = outcome.summary
    assert summary["cv_repeats"] == 3  # 150 rows are few: 3 shuffles of cv = 3 folds
    scores = [m["cv_score"] for m in summary["portfolio"]]
    assert summary["budget"]["tpot"] == "ran"
    assert summary["tpot_best"]["name"].startswith("TPOT pipeline: ")
    # TPOT's best is scored again on the portfolio's shuffles: its own score was on one.
    assert summary["tpot_best"]["cv_score"] != summary["tpot_own_cv_score"]
    scores.append(summary["tpot_best"]["cv_score"])
    chosen = summary["chosen"]
    assert chosen["cv_score"] == summary["best_cv_score"] >= max(scores)
    if chosen["source"] == "ensemble":
        assert chosen["cv_score"] == summary["ensemble"]["cv_score"] > max(scores)
        assert len(summary["ensemble"]["weights"]) >= 2
    else:
        assert chosen["cv_score"] == max(scores)
    assert summary["leaderboard"][0]["score"] == chosen["cv_score"]
    assert chosen["pipeline"] == search.one_line(outcome.pipeline)


def test_missing_values_and_a_nominal_column_go_through_the_pipeline(
    outcome: search.SearchOutcome
) -> None:
    X, y, _ = _rows_with_gaps()
    assert np.isnan(X).any(axis=1).sum() > 30  # no row was dropped to get here
    predictions = outcome.pipeline.predict(X)
    assert len(predictions) == len(y) and np.mean(predictions == y) > 0.8
    text = search.one_line(outcome.pipeline)
    assert "SimpleImputer" in text and "OneHotEncoder" in text
    # A row of gaps only, and a category index never seen, still get a prediction.
    odd = np.array([[np.nan] * 5, [5.0, 3.0, 1.5, 0.2, 7.0]])
    assert len(outcome.pipeline.predict(odd)) == 2


def test_the_chosen_pipelines_text_is_made_once_and_is_its_str(
    outcome: search.SearchOutcome,
) -> None:
    assert outcome.text == str(outcome.pipeline)
    assert outcome.summary["chosen"]["pipeline"] == search.one_line(outcome.pipeline)
    chosen = [row for row in outcome.summary["leaderboard"]
              if row["name"] == outcome.summary["chosen"]["name"]]
    # In the leaderboard when among the best few, with the same text.
    assert len(chosen) <= 1
    assert all(row["pipeline"] == search.one_line(outcome.pipeline) for row in chosen)


def test_the_budget_split_is_reported(outcome: search.SearchOutcome) -> None:
    budget = outcome.summary["budget"]
    assert budget["budget_s"] == 180.0
    parts = budget["portfolio_s"] + budget["search_s"] + budget["ensemble_s"] + budget["refit_s"]
    assert parts == pytest.approx(outcome.summary["search_time_s"], abs=0.01)
    assert budget["generations"] == outcome.summary["generations_completed"] == 1
    # TPOT's first round: what the portfolio left of the budget less the reserve for the
    # selection and the refit (at least 0), less TPOT's fixed costs, its overshoot and the
    # 3 shuffles its best is then scored on.
    spent = budget["portfolio_s"]
    assert budget["reserved_s"] > 0
    bound_s = (180.0 - spent - 10) / (1.25 + 3 * 0.2)
    # The summary rounds the minutes to 4 decimals (up to 0.003 s) and the portfolio's
    # seconds to 3: the bound allows 0.01 s for both.
    assert 0 < budget["tpot_max_time_mins"] * 60 <= bound_s + 0.01
    # One generation was asked for: one round; the share of the budget used is reported.
    assert budget["tpot_rounds"] == 1 and budget["tpot"] == "ran"
    assert budget["used_share"] == pytest.approx(outcome.summary["search_time_s"] / 180, abs=1e-3)
    assert budget["tpot_import_s"] is not None


class _Evolver:
    """Stands for TPOT 1.1's evolver: the time limit and generations of the next round."""

    def __init__(self) -> None:
        self.max_time_mins: float | None = None
        self.generations: int | None = None


class _RoundsTpot(_StubTpot):
    """A TPOT whose every fit is one more generation of the same population (warm start)."""

    rounds: ClassVar[list[tuple[float | None, int | None]]] = []

    def fit(self, X: np.ndarray, y: np.ndarray) -> None:
        evolver = getattr(self, "_evolver_instance", None)
        previous = getattr(self, "evaluated_individuals", None)
        _RoundsTpot.rounds.append((evolver.max_time_mins, evolver.generations) if evolver
                                  else (None, None))
        super().fit(X, y)
        generation = 0.0 if previous is None else float(previous["Generation"].max()) + 1
        self.evaluated_individuals["Generation"] = generation
        if previous is not None:
            self.evaluated_individuals = pd.concat([previous, self.evaluated_individuals])
        self._evolver_instance = evolver or _Evolver()


def test_tpot_evolves_in_rounds_until_its_generations_or_its_time_are_spent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _RoundsTpot.rounds = []
    monkeypatch.setattr(search, "_estimator", lambda settings, minutes, folds: _RoundsTpot(
        folds, settings.scoring, settings.generations))
    monkeypatch.setattr(search, "members", lambda problem: portfolio.members(problem)[:2])
    X, y, nominal_columns = _rows_with_gaps()
    settings = replace(SMALL, max_time_mins=3.0, generations=3)
    summary = search.run_search(settings, X, y, nominal_columns).summary
    assert summary["budget"]["tpot_rounds"] == 3
    assert summary["generations_completed"] == 3
    # Each later round continues with the generations left, and the time then left.
    (_, _), (minutes_2, generations_2), (minutes_3, generations_3) = _RoundsTpot.rounds
    assert (generations_2, generations_3) == (2, 1)
    assert minutes_2 is not None and minutes_3 is not None
    assert 0 < minutes_3 <= minutes_2 <= summary["budget"]["tpot_max_time_mins"] + 1e-3


def test_a_winning_tpot_pipeline_comes_behind_the_preparation_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The weakest member alone, without class probabilities (it cannot be blended): the
    # stub's pipeline must win alone.
    monkeypatch.setattr(search, "members", lambda problem: (
        portfolio.Member("majority", lambda seed: _Majority()),))
    X, y, nominal_columns = _rows_with_gaps()
    result = search.run_search(SMALL, X, y, nominal_columns)
    assert result.summary["chosen"]["source"] == "tpot"
    assert result.summary["ensemble"] == {
        "skipped": "greedy selection kept one candidate: no blend scored better"}
    assert search.steps_of(result.pipeline)[0] == "ColumnTransformer"
    assert np.mean(result.pipeline.predict(X) == y) > 0.8


def test_a_spent_budget_skips_tpot_and_answers_with_the_portfolio() -> None:
    X, y, nominal_columns = _rows_with_gaps()
    settings = replace(SMALL, max_time_mins=0.05)  # 3 s: the portfolio takes what fits
    summary = search.run_search(settings, X, y, nominal_columns).summary
    assert summary["budget"]["tpot"] == "skipped: the portfolio spent the budget"
    assert summary["pipelines_evaluated"] == 0 and summary["generations_completed"] == 0
    assert summary["chosen"]["source"] in {"portfolio", "ensemble"}
    assert summary["tpot_best"] is None


def _timed(name: str, seconds: float) -> Candidate:
    return Candidate(name=name, source="portfolio", pipeline=None, score=0.8, seconds=seconds)


def test_a_portfolio_phase_starts_a_member_only_with_the_time_the_previous_one_took() -> None:
    # The very first member whatever the time; then the previous member of the phase is
    # the estimate of the next (members come cheapest first).
    assert search.has_time_for_next([], any_tried=False, left_s=-5.0)
    assert search.has_time_for_next([_timed("a", 2.0)], any_tried=True, left_s=2.0)
    assert not search.has_time_for_next([_timed("a", 2.0)], any_tried=True, left_s=1.9)
    # A later phase (what TPOT left) measures again: its first member starts whenever time
    # is left, however long the first phase's members took beside TPOT's import.
    assert search.has_time_for_next([], any_tried=True, left_s=0.5)
    assert not search.has_time_for_next([], any_tried=True, left_s=0.0)


def test_the_members_tpot_left_are_scored_though_the_first_phase_was_slow() -> None:
    # blood_storage at load 11: the linear model alone took 7 s of the portfolio's share,
    # TPOT could not run, 6 s were left: the fixed algorithms after it must still be scored
    # (the careful manual choice is among them), not skipped on the slow first measure.
    X, y, nominal_columns = _rows_with_gaps()
    splits = Splits.for_rows("classification", SMALL.cv, SMALL.random_state, len(y))
    board = search._Board(SMALL, X, y, splits)
    slow_first = [board.evaluate(Candidate(
        name=portfolio.CLASSIFIERS[0].name, source="portfolio",
        pipeline=portfolio.CLASSIFIERS[0].pipeline(preparation(5, nominal_columns), 7)))]
    slow_first[0].seconds = 7.0
    clock = Clock(60.0)
    deadline = iter([6.0, 6.0, 0.0])  # left before each member: two more, then no time
    tried = search._run_portfolio(SMALL, board, preparation(5, nominal_columns), clock,
                                  slow_first, lambda: next(deadline))
    assert [c.name for c in tried] == [m.name for m in portfolio.CLASSIFIERS[:3]]
    assert tried[1].algorithm == "naiveBayes" and tried[1].score is not None


def test_a_seeded_search_bounded_by_generations_is_reproducible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three members, so that the load never cuts the portfolio short.
    monkeypatch.setattr(search, "members", lambda problem: portfolio.members(problem)[:3])
    X, y, nominal_columns = _rows_with_gaps()
    first = search.run_search(SMALL, X, y, nominal_columns).summary
    again = search.run_search(SMALL, X, y, nominal_columns).summary
    assert [m["cv_score"] for m in again["portfolio"]] == [
        m["cv_score"] for m in first["portfolio"]]
    assert again["chosen"] == {**first["chosen"], "seconds": again["chosen"]["seconds"]}


def test_a_volume_with_gaps_trains_on_every_row_and_predicts_every_test_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "members", lambda problem: portfolio.members(problem)[:2])
    species, features = iris()
    # Gaps in a measure and in a nominal covariable, in the training and the test rows.
    width = Column(features[3].meta, [None if i % 7 == 0 else v
                                      for i, v in enumerate(features[3].values)])
    site = nominal("site", ["north" if i % 3 else "south" for i in range(150)])
    site = Column(site.meta, [None if i % 11 == 0 else v for i, v in enumerate(site.values)])
    volume = write_volume(tmp_path, algorithm="tpot", variables=[species],
                          covariables=[*features[:3], width, site],
                          parameters={**FAST, "max_time_mins": "0.05"},
                          train_rows=TRAIN, test_rows=TEST)
    assert dispatch(HANDLERS, ["train"], volume) == 0
    model = read_result(volume, "train")["data"]
    assert model["n_training"] == len(TRAIN)  # no row lost to a gap
    assert model["feature_names"] == [f.code for f in features[:3]] + ["petal_width_cm", "site"]
    assert model["chosen"] == model["search"]["chosen"]["name"]
    assert "SimpleImputer" in model["pipeline"] and "OneHotEncoder" in model["pipeline"]
    assert dispatch(HANDLERS, ["test"], volume) == 0
    predictions = read_result(volume, "test")["data"]["predictions"]
    assert len(predictions) == len(TEST)
    assert np.mean(np.asarray(predictions) == species.array[TEST]) > 0.8


def test_rows_without_their_target_are_left_out_of_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "members", lambda problem: portfolio.members(problem)[:1])
    species, features = iris()
    target = Column(species.meta, [None if i % 10 == 0 else v
                                   for i, v in enumerate(species.values)])
    volume = write_volume(tmp_path, algorithm="tpot", variables=[target],
                          covariables=features, parameters={**FAST, "max_time_mins": "0.05"})
    assert dispatch(HANDLERS, ["compute"], volume) == 0
    assert read_result(volume, "compute")["data"]["n_training"] == 135


def test_the_manifest_keeps_the_rows_with_missing_values() -> None:
    assert Registry.load(ALGORITHMS_DIR).get("tpot").keeps_missing


class _Majority(ClassifierMixin, BaseEstimator):
    """The weakest possible member: the most frequent class, and no class probabilities."""

    def fit(self, X: Any, y: Any) -> _Majority:
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X: Any) -> Any:
        return np.full(len(X), self.majority_)
