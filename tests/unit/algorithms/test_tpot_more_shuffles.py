"""The time TPOT could not use goes to more shuffles of the candidates (issue 25)."""

from __future__ import annotations

from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from woken.algorithms.tpot import search
from woken.algorithms.tpot.budget import Clock
from woken.algorithms.tpot.candidates import Candidate, Splits, add_shuffle, mean_score


def _board(repeats: int) -> tuple[search._Board, Splits, list[Candidate]]:
    X, y = load_iris(return_X_y=True)
    settings = search.SearchSettings("classification", 1.0, 1, 2, 3, 7, "accuracy", "linear")
    splits = Splits("classification", 3, 7, repeats)
    board = search._Board(settings, X, y, splits)
    candidates = [board.evaluate(Candidate("nb", "portfolio", GaussianNB())),
                  board.evaluate(Candidate("lr", "portfolio",
                                           LogisticRegression(max_iter=500))),
                  Candidate("failed", "portfolio", None, error="ValueError: no")]
    return board, splits, candidates


def test_time_to_spare_adds_shuffles_to_every_scored_candidate_up_to_the_limit() -> None:
    board, splits, candidates = _board(repeats=2)
    before = {c.name: c.score for c in candidates}
    added = board.more_shuffles(splits, Clock(budget_s=3600.0), candidates)
    assert added == search.MAX_SHUFFLES - 2
    assert len(board.shuffles) == search.MAX_SHUFFLES
    nb, lr, failed = candidates
    for candidate in (nb, lr):
        assert len(candidate.predictions) == search.MAX_SHUFFLES
        assert candidate.score == mean_score(candidate.predictions, board.y, board.shuffles,
                                             "accuracy") != before[candidate.name]
    assert failed.predictions == [] and failed.score is None
    # Every new shuffle is another split of the rows than the first ones and TPOT's.
    first_tests = {tuple(test) for shuffle in board.shuffles[:2] for _, test in shuffle}
    tpot_tests = {tuple(test) for _, test in splits.tpot_splitter().split(board.X, board.y)}
    for shuffle in board.shuffles[2:]:
        assert not {tuple(test) for _, test in shuffle} & (first_tests | tpot_tests)


def test_no_time_left_adds_no_shuffle() -> None:
    board, splits, candidates = _board(repeats=1)
    assert board.more_shuffles(splits, Clock(budget_s=0.0), candidates) == 0
    assert len(board.shuffles) == 1
    assert all(len(c.predictions) == 1 for c in candidates[:2])


def test_a_shuffle_the_clock_stops_keeps_the_folds_every_candidate_finished() -> None:
    board, splits, candidates = _board(repeats=1)
    scored = candidates[:2]
    shuffle = list(splits.splitter(5).split(board.X, board.y))
    asked = iter(range(100))
    # Asked before each fold and between the two candidates of a fold: the clock stops
    # in the second fold, after its first candidate.
    done = add_shuffle(scored, board.X, board.y, shuffle, board.classes,
                       lambda next_s: next(asked) >= 3, fold_s=0.0)
    assert done == shuffle[:1]
    board.shuffles.append(done)
    for candidate in scored:
        assert len(candidate.predictions) == 2
        scores = mean_score(candidate.predictions, board.y, board.shuffles, "accuracy")
        assert 0.5 < scores <= 1.0
    # No time for even one fold: nothing is added.
    assert add_shuffle(scored, board.X, board.y, shuffle, board.classes,
                       lambda next_s: True, fold_s=0.0) == []
    assert all(len(c.predictions) == 2 for c in scored)


def test_the_last_shuffle_may_be_cut_short_and_its_folds_count() -> None:
    board, splits, candidates = _board(repeats=1)
    asked = iter(range(1000))
    clock = Clock(budget_s=3600.0)
    # The clock's answer is replaced: it stops in the third fold of the second new shuffle.
    clock.out_of_time = lambda next_s=0.0: next(asked) >= 3 * 2 + 2 * 2  # type: ignore
    assert board.more_shuffles(splits, clock, candidates) == 2
    assert [len(s) for s in board.shuffles] == [3, 3, 2]
    assert all(len(c.predictions) == 3 for c in candidates[:2])
