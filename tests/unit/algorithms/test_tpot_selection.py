"""How AutoML chooses: its internal splits, out-of-fold predictions, scorers and selection.

The greedy selection runs on made-up out-of-fold predictions whose best answer is known;
the splits, the predictions and the scorers are checked against scikit-learn's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    explained_variance_score,
    get_scorer,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)
from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import LinearSVC

from woken.algorithms.tpot import candidates, selection
from woken.algorithms.tpot.candidates import Candidate, Splits, evaluate, predict
from woken.algorithms.tpot.metrics import METRICS, score
from woken.algorithms.tpot.search import SCORERS

ROWS = 60


def _y() -> np.ndarray:
    return np.arange(ROWS) % 2


def _shuffles(y: np.ndarray, repeats: int = 1) -> list[Any]:
    return Splits("classification", 3, 0, repeats).shuffles(np.zeros((len(y), 1)), y)


def _made_up(name: str, right: np.ndarray, y: np.ndarray, confidence: float = 0.9,
             pipeline: Any = None) -> Candidate:
    """A candidate whose out-of-fold probabilities favour the true class where ``right``
    (with ``confidence``) and the other class elsewhere (hesitantly: 0.55)."""
    favoured = np.where(right, y, 1 - y)
    weight = np.where(right, confidence, 0.55)
    probabilities = np.column_stack([1 - weight, 1 - weight])
    probabilities[np.arange(len(y)), favoured] = weight
    shuffles = _shuffles(y)
    candidate = Candidate(name=name, source="portfolio",
                          pipeline=pipeline if pipeline is not None else GaussianNB(),
                          predictions=[probabilities])
    candidate.score = candidates.mean_score(candidate.predictions, y, shuffles, "accuracy")
    return candidate


def test_a_blend_that_fixes_each_ones_mistakes_is_chosen_with_its_weights() -> None:
    y = _y()
    # Two candidates, each wrong (hesitantly) on its own third of the rows, and a third
    # one wrong on half: alone 2/3 at best, blended right everywhere.
    thirds = np.arange(ROWS) % 3
    trio = [_made_up("c0", thirds != 0, y), _made_up("c1", thirds != 1, y),
            _made_up("c2", np.arange(ROWS) % 2 == 0, y)]
    chosen = selection.select(trio, y, _shuffles(y), "accuracy", "classification")
    assert chosen is not None
    weights = {c.name: w for c, w in chosen.weights}
    # The three best start the blend, already right everywhere: no step is kept after it.
    assert weights == {"c0": 1, "c1": 1, "c2": 1}
    assert chosen.score == 1.0 > max(float(c.score or 0) for c in trio)
    as_one = selection.as_candidate(chosen, "classification")
    assert as_one.source == "ensemble" and as_one.score == chosen.score
    assert isinstance(as_one.pipeline, VotingClassifier)
    assert as_one.pipeline.weights == [w for _, w in chosen.weights]


def test_the_blend_starts_from_the_three_best_and_leaves_the_fourth_out() -> None:
    y = _y()
    rows = np.arange(ROWS)
    # Right on 90, 85, 80 and 50 % of the rows; the fourth adds nothing but errors.
    four = [_made_up("c90", rows % 10 != 0, y), _made_up("c85", rows % 20 > 2, y),
            _made_up("c80", rows % 5 != 1, y), _made_up("c50", rows % 2 == 0, y)]
    chosen = selection.select(four[::-1], y, _shuffles(y), "accuracy", "classification")
    assert chosen is not None
    weights = {c.name: w for c, w in chosen.weights}
    assert set(weights) == {"c90", "c85", "c80"}
    assert chosen.score >= float(four[0].score or 0)


def test_the_best_are_ranked_by_log_loss_not_by_accuracy() -> None:
    y = _y()
    rows = np.arange(ROWS)
    # "sure" is right on the most rows, but sure of itself on its mistakes too: the worst
    # log loss. The others are right a little less often, and hesitant when wrong.
    sure = _made_up("sure", rows % 10 != 0, y)
    sure.predictions[0][rows % 10 == 0] = np.eye(2)[1 - y[rows % 10 == 0]]
    others = [_made_up(f"c{i}", rows % 6 != i, y) for i in range(selection.TOP)]
    assert all(float(sure.score or 0) > float(c.score or 0) for c in others)
    chosen = selection.select([sure, *others], y, _shuffles(y), "accuracy", "classification")
    assert chosen is not None and "sure" not in {c.name for c, _ in chosen.weights}
    # Alone among hesitant ones, it is ranked by the log loss too, and not left out.
    kept = selection.select([sure, *others[:2]], y, _shuffles(y), "accuracy",
                            "classification")
    assert kept is not None and "sure" in {c.name for c, _ in kept.weights}


def test_a_vote_sure_of_one_wrong_row_still_ranks_by_how_it_sorts_the_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    y = _y()
    rows = np.arange(ROWS)
    # A k-nearest-neighbours vote: right on all rows but one, where none of its
    # neighbours had the true class (probability 0). The others are right on 5 rows of 6.
    votes = _made_up("votes", rows != 7, y, confidence=1.0)
    votes.predictions[0][7] = np.eye(2)[1 - y[7]]
    others = [_made_up(f"c{i}", rows % 6 != i, y) for i in range(selection.TOP)]
    chosen = selection.select([*others, votes], y, _shuffles(y), "accuracy",
                              "classification")
    assert chosen is not None and "votes" in {c.name for c, _ in chosen.weights}
    # Ranked by the plain log loss, that one row puts it last, out of the blend's pool.
    monkeypatch.setattr(selection, "RANKING", {"classification": "neg_log_loss"})
    ranked_plain = selection.ranked_by_ranking([*others, votes], y, _shuffles(y), "accuracy",
                                               "classification")
    assert ranked_plain[-1] is votes


def test_the_smoothed_log_loss_is_the_log_loss_where_no_smoothing_helps() -> None:
    y = _y()
    hesitant = _made_up("hesitant", np.arange(ROWS) % 3 != 0, y, confidence=0.7)
    plain = score("neg_log_loss", y, hesitant.predictions[0])
    smoothed = score("neg_smoothed_log_loss", y, hesitant.predictions[0])
    assert plain <= smoothed < 0
    sure = np.eye(2)[y]
    assert score("neg_smoothed_log_loss", y, sure) == pytest.approx(0.0)


def test_a_single_candidate_is_the_answer_itself() -> None:
    y = _y()
    only = _made_up("only", np.arange(ROWS) % 10 != 0, y)
    chosen = selection.select([only], y, _shuffles(y), "accuracy", "classification")
    assert chosen is not None and [(c.name, w) for c, w in chosen.weights] == [("only", 1)]
    assert selection.as_candidate(chosen, "classification") is only


def test_only_the_best_few_candidates_are_blended() -> None:
    y = _y()
    rest = [_made_up(f"c{i}", np.arange(ROWS) % 7 != i, y) for i in range(selection.TOP + 2)]
    chosen = selection.select(rest, y, _shuffles(y), "accuracy", "classification")
    pool = {c.name for c in candidates.ranked(rest)[:selection.TOP]}
    assert chosen is not None and {c.name for c, _ in chosen.weights} <= pool


def test_a_classifier_without_probabilities_competes_alone() -> None:
    y = _y()
    thirds = np.arange(ROWS) % 3
    pair = [_made_up("c0", thirds != 0, y), _made_up("c1", thirds != 1, y)]
    # Right on 5 rows in 6: better alone than either of the pair, worse than their blend.
    hard = _made_up("hard", np.arange(ROWS) % 6 != 0, y, confidence=1.0,
                    pipeline=LinearSVC())
    chosen = selection.select([hard, *pair], y, _shuffles(y), "accuracy", "classification")
    assert chosen is not None and {c.name for c, _ in chosen.weights} == {"c0", "c1"}
    alone = selection.select([hard, pair[0]], y, _shuffles(y), "accuracy", "classification")
    assert alone is not None and [c.name for c, _ in alone.weights] == ["hard"]


def test_no_scored_candidate_is_no_selection() -> None:
    failed = Candidate(name="failed", source="portfolio", pipeline=GaussianNB(),
                       error="ValueError: no")
    assert selection.select([failed], _y(), _shuffles(_y()), "accuracy",
                            "classification") is None


def test_few_rows_get_repeated_shuffles_and_tpot_one_of_its_own() -> None:
    few = Splits.for_rows("classification", 5, 7, candidates.FEW_ROWS - 1)
    many = Splits.for_rows("classification", 5, 7, candidates.FEW_ROWS)
    assert (few.repeats, many.repeats) == (candidates.REPEATS, 1)
    X, y = load_iris(return_X_y=True)
    shuffles = few.shuffles(X, y)
    first = list(StratifiedKFold(5, shuffle=True, random_state=7).split(X, y))
    assert len(shuffles) == candidates.REPEATS and all(len(s) == 5 for s in shuffles)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(shuffles[0], first, strict=True))
    assert not np.array_equal(shuffles[0][0][1], shuffles[1][0][1])  # another shuffle
    # TPOT picks its best on folds where no candidate is scored.
    for splits in (few, many):
        tpots = list(splits.tpot_splitter().split(X, y))
        assert len(tpots) == 5
        for shuffle in splits.shuffles(X, y):
            assert not np.array_equal(shuffle[0][1], tpots[0][1])


def test_the_out_of_fold_predictions_and_scores_are_scikit_learns() -> None:
    X, y = load_iris(return_X_y=True)
    splits = Splits("classification", 5, 3, 2)
    candidate = evaluate(Candidate("nb", "portfolio", GaussianNB()), X, y,
                         splits.shuffles(X, y), "accuracy", n_classes=3)
    expected = [cross_val_score(GaussianNB(), X, y, cv=splits.splitter(r)).mean()
                for r in range(2)]
    assert candidate.score == pytest.approx(np.mean(expected))
    assert np.allclose(candidate.predictions[1], cross_val_predict(
        GaussianNB(), X, y, cv=splits.splitter(1), method="predict_proba"))


def test_a_class_missing_from_the_training_rows_gets_no_probability() -> None:
    X, y = load_iris(return_X_y=True)
    fitted = LogisticRegression(max_iter=1000).fit(X[y != 1], y[y != 1])
    probabilities = predict(fitted, X[:5], n_classes=3)
    assert probabilities.shape == (5, 3) and np.all(probabilities[:, 1] == 0)
    assert np.allclose(probabilities.sum(axis=1), 1)
    hard = predict(LinearSVC().fit(X, y), X, n_classes=3)
    assert set(np.unique(hard)) == {0.0, 1.0} and np.all(hard.sum(axis=1) == 1)


def test_a_failing_candidate_is_reported_not_raised() -> None:
    X, y = load_iris(return_X_y=True)
    X = X.copy()
    X[0, 0] = np.nan  # GaussianNB takes no missing value
    candidate = evaluate(Candidate("nb", "portfolio", GaussianNB()), X, y,
                         Splits("classification", 3, 0, 1).shuffles(X, y), "accuracy", 3)
    assert candidate.score is None and candidate.error and candidate.error.startswith(
        "ValueError") and candidate.predictions == []


@pytest.mark.parametrize("scoring", SCORERS["classification"])
def test_each_classification_scorer_is_scikit_learns(scoring: str) -> None:
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=1000).fit(X[::2], y[::2])
    mine = score(scoring, y[1::2], predict(model, X[1::2], n_classes=3))
    assert mine == pytest.approx(get_scorer(scoring)(model, X[1::2], y[1::2]))


SKLEARN_FUNCTIONS = {
    "accuracy": lambda y, p: accuracy_score(y, p.argmax(axis=1)),
    "neg_log_loss": lambda y, p: -log_loss(y, np.clip(p, 1e-15, 1.0),
                                           labels=np.arange(p.shape[1])),
    "r2": r2_score,
    "neg_mean_squared_error": lambda y, p: -mean_squared_error(y, p),
    "neg_root_mean_squared_error": lambda y, p: -root_mean_squared_error(y, p),
    "neg_mean_absolute_error": lambda y, p: -mean_absolute_error(y, p),
    "explained_variance": explained_variance_score,
}


@pytest.mark.parametrize("scoring", sorted(SKLEARN_FUNCTIONS))
def test_the_scorers_computed_here_equal_scikit_learns_functions(scoring: str) -> None:
    rng = np.random.default_rng(7)
    for rows in (1, 2, 17, 300):
        if scoring in SCORERS["classification"]:
            # Three classes, some rows sure of the wrong one (probability 0 for the truth),
            # a fold that may hold only some of the classes.
            y = rng.integers(0, 3, rows)
            p = rng.dirichlet([0.3, 0.3, 0.3], rows)
            wrong = rng.random(rows) < 0.2
            p[wrong] = np.eye(3)[(y[wrong] + 1) % 3]
            cases = [(y, p), (y, np.eye(3)[(y + 1) % 3])]
        else:
            y = rng.normal(size=rows)
            cases = [(y, y + rng.normal(size=rows)), (np.full(rows, 2.0), np.full(rows, 2.0)),
                     (np.full(rows, 2.0), rng.normal(size=rows))]
        for truth, predictions in cases:
            if rows == 1 and scoring in {"r2", "explained_variance"}:
                continue  # scikit-learn: not well-defined with less than two samples
            assert score(scoring, truth, predictions) == pytest.approx(
                SKLEARN_FUNCTIONS[scoring](truth, predictions), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("scoring", SCORERS["regression"])
def test_each_regression_scorer_is_scikit_learns(scoring: str) -> None:
    X = load_iris().data
    model = Ridge().fit(X[::2, :3], X[::2, 3])
    mine = score(scoring, X[1::2, 3], predict(model, X[1::2, :3], n_classes=None))
    assert mine == pytest.approx(get_scorer(scoring)(model, X[1::2, :3], X[1::2, 3]))
    assert set(METRICS) == {*SCORERS["classification"], *SCORERS["regression"]}


def test_tpot_joins_the_vote_only_clearly_ahead_of_the_portfolio() -> None:
    y = np.arange(ROWS * 2) % 2
    rows = np.arange(ROWS * 2)
    shuffles = _shuffles(y)
    portfolio = [_made_up("good", rows % 5 != 0, y), _made_up("weak", rows % 2 == 0, y)]
    for c in portfolio:
        c.score = candidates.mean_score(c.predictions, y, shuffles, "accuracy")
    # Wrong on every tenth row instead of every fifth, on every fold: clearly ahead.
    better = _made_up("tpot", rows % 10 != 0, y)
    joins, words = selection.clearly_ahead(better, portfolio, y, shuffles, "accuracy")
    assert joins and words.startswith("+0.1000 ± ") and words.endswith("against good")
    # Ahead on average (+0.025) but behind on one fold of three: within the folds' noise.
    mixed = _made_up("tpot", (rows % 5 != 0) | (rows < 40), y)
    mixed.predictions[0][(rows >= 80) & (rows % 7 == 0)] = np.eye(2)[
        1 - y[(rows >= 80) & (rows % 7 == 0)]]
    joins, words = selection.clearly_ahead(mixed, portfolio, y, shuffles, "accuracy")
    assert not joins, words


def test_a_blend_not_clearly_ahead_of_the_uniform_vote_gives_way_to_it() -> None:
    """Issue 25's small-table rule: the weights greedy selection fitted to the training rows
    are kept only when their blend beats the uniform vote of the best by more than one SE."""
    y = _y()
    rows = np.arange(ROWS)
    same = [_made_up(f"c{i}", rows % 10 != 0, y) for i in range(3)]
    shuffles = _shuffles(y, repeats=2)
    for c in same:
        c.predictions = c.predictions * 2
    weighted = selection.Selection([(same[0], 2), (same[1], 1), (same[2], 1)], 0.9)
    kept = selection._within_one_error(weighted, same, y, shuffles, "accuracy")
    assert [(c.name, w) for c, w in kept.weights] == [("c0", 1), ("c1", 1), ("c2", 1)]
    # A candidate right everywhere alone, against a vote dragged down by two sure mistakes.
    right = _made_up("right", rows >= 0, y)
    wrong = [_made_up(f"w{i}", rows < 0, y, confidence=0.99) for i in range(2)]
    for c in (right, *wrong):
        c.predictions = c.predictions * 2
        c.predictions[1] = c.predictions[0]
    for c in wrong:
        c.predictions = [np.eye(2)[1 - y] for _ in range(2)]
    alone = selection.Selection([(right, 1)], 1.0)
    assert selection._within_one_error(alone, [right, *wrong], y, shuffles,
                                       "accuracy") is alone


def test_the_one_se_rule_is_an_option_of_select(monkeypatch: Any) -> None:
    y = _y()
    rows = np.arange(ROWS)
    # The three best are alike: a weighted blend of them is no better than their vote.
    four = [_made_up("c90", rows % 10 != 0, y), _made_up("c85", rows % 20 > 2, y),
            _made_up("c80", rows % 5 != 1, y), _made_up("c50", rows % 2 == 0, y)]
    shuffles = _shuffles(y)
    greedy = selection.select(four, y, shuffles, "accuracy", "classification")
    monkeypatch.setattr(selection, "RULE", "one-se")
    chosen = selection.select(four, y, shuffles, "accuracy", "classification")
    assert greedy is not None and chosen is not None
    best = selection.ranked_by_ranking(four, y, shuffles, "accuracy", "classification")
    expected = selection._within_one_error(greedy, best[:selection.INIT], y, shuffles,
                                           "accuracy")
    assert [(c.name, w) for c, w in chosen.weights] == [
        (c.name, w) for c, w in expected.weights]
    assert {c.name for c, _ in chosen.weights} == {"c90", "c85", "c80"}
