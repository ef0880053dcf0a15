"""k-fold folds: deterministic, a partition, stratified, and refused when impossible."""

from __future__ import annotations

import dataclasses
import warnings
from collections import Counter

import pytest
from sklearn.datasets import load_iris, load_wine

from woken.api.middleware import status_for
from woken.catalogue.registry import VALIDATIONS
from woken.errors import BadRequest
from woken.validation import K_DEFAULT, K_MAX, K_MIN, Fold, check_k, make_folds


def _names(loader) -> list[str]:
    data = loader()
    return [str(data.target_names[i]) for i in data.target]


def _assert_partition(folds: list[Fold], n_rows: int, k: int) -> None:
    assert len(folds) == k
    assert [fold.index for fold in folds] == list(range(k))
    test_rows = [row for fold in folds for row in fold.test_rows]
    assert sorted(test_rows) == list(range(n_rows)), "every row in exactly one test fold"
    for fold in folds:
        assert fold.test_rows, "no test fold is empty"
        assert list(fold.test_rows) == sorted(fold.test_rows)
        assert list(fold.train_rows) == sorted(fold.train_rows)
        assert set(fold.train_rows).isdisjoint(fold.test_rows)
        assert len(fold.train_rows) + len(fold.test_rows) == n_rows


@pytest.mark.parametrize(("n_rows", "k"), [(2, 2), (10, 3), (150, 5), (101, 20), (7, 7)])
def test_plain_folds_partition_the_rows_in_balanced_sizes(n_rows: int, k: int) -> None:
    folds = make_folds(n_rows, k, seed=42)
    _assert_partition(folds, n_rows, k)
    sizes = [len(fold.test_rows) for fold in folds]
    assert max(sizes) - min(sizes) <= 1


def test_folds_are_deterministic_for_a_seed_and_change_with_it() -> None:
    assert make_folds(100, 5, seed=7) == make_folds(100, 5, seed=7)
    assert make_folds(100, 5, seed=7) != make_folds(100, 5, seed=8)


def test_stratified_folds_are_deterministic_for_a_seed_and_change_with_it() -> None:
    labels = _names(load_iris)
    assert make_folds(150, 5, 3, labels) == make_folds(150, 5, 3, labels)
    assert make_folds(150, 5, 3, labels) != make_folds(150, 5, 4, labels)


def test_folds_are_shuffled_not_consecutive_blocks() -> None:
    folds = make_folds(100, 5, seed=1)
    assert any(fold.test_rows != tuple(range(fold.test_rows[0], fold.test_rows[0] + 20))
               for fold in folds)


@pytest.mark.parametrize("seed", [-1, 2**32, 2**63 + 5, 0])
def test_any_integer_seed_gives_deterministic_folds(seed: int) -> None:
    folds = make_folds(30, 3, seed)
    _assert_partition(folds, 30, 3)
    assert folds == make_folds(30, 3, seed)


@pytest.mark.parametrize(("loader", "k"), [(load_iris, 5), (load_wine, 5), (load_wine, 7)])
def test_stratified_folds_keep_each_class_proportion_within_one_row(loader, k: int) -> None:
    labels = _names(loader)
    folds = make_folds(len(labels), k, seed=11, labels=labels)
    _assert_partition(folds, len(labels), k)
    overall = Counter(labels)
    for fold in folds:
        in_fold = Counter(labels[row] for row in fold.test_rows)
        for label, count in overall.items():
            assert abs(in_fold[label] - count / k) <= 1, (fold.index, label)


def test_a_class_rarer_than_k_splits_without_warning_and_can_miss_a_training_fold() -> None:
    labels = ["common"] * 40 + ["rare"] * 2 + ["single"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        folds = make_folds(len(labels), 5, seed=0, labels=labels)
    _assert_partition(folds, len(labels), 5)
    rare_folds = [f.index for f in folds if any(labels[r] == "rare" for r in f.test_rows)]
    assert len(rare_folds) == 2, "two members of a class can only be in two test folds"
    without_single = [f for f in folds if not any(labels[r] == "single" for r in f.train_rows)]
    assert len(without_single) == 1, "a one-member class is absent from one training fold"
    assert any(labels[r] == "single" for r in without_single[0].test_rows)


def test_every_class_rarer_than_k_falls_back_to_plain_folds() -> None:
    labels = ["a", "a", "b", "b", "c", "c"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        folds = make_folds(6, 5, seed=3, labels=labels)
    _assert_partition(folds, 6, 5)
    assert folds == make_folds(6, 5, seed=3, labels=labels)


def test_a_single_class_is_stratified_like_plain_folds() -> None:
    folds = make_folds(12, 4, seed=5, labels=["only"] * 12)
    _assert_partition(folds, 12, 4)
    assert {len(fold.test_rows) for fold in folds} == {3}


def test_fold_is_frozen() -> None:
    fold = make_folds(4, 2, seed=0)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fold.index = 3  # type: ignore[misc]


@pytest.mark.parametrize("k", [1, 0, -3])
def test_fewer_than_two_folds_is_a_bad_request(k: int) -> None:
    with pytest.raises(BadRequest, match=f"k >= 2 folds, got k={k}"):
        make_folds(10, k, seed=0)


def test_more_folds_than_rows_is_a_bad_request_that_says_so() -> None:
    with pytest.raises(BadRequest) as raised:
        make_folds(3, 5, seed=0, labels=["a", "b", "a"])
    assert str(raised.value) == "k=5 folds need at least 5 rows, the selection has 3"
    assert status_for(raised.value) == 400


def test_labels_must_match_the_rows() -> None:
    with pytest.raises(ValueError, match="2 labels given for 3 rows"):
        make_folds(3, 2, seed=0, labels=["a", "b"])


@pytest.mark.parametrize(("raw", "k"), [("5", 5), (" 7 ", 7), (2, 2), ("20", 20), (10, 10)])
def test_check_k_accepts_integers_in_bounds(raw: str | int, k: int) -> None:
    assert check_k(raw, n_rows=100) == k


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("five", "must be an integer, got 'five'"),
        ("2.5", "must be an integer, got '2.5'"),
        ("", "must be an integer"),
        (True, "must be an integer, got True"),
        ("1", "must be between 2 and 20, got 1"),
        (21, "must be between 2 and 20, got 21"),
        ("-4", "must be between 2 and 20, got -4"),
    ],
)
def test_check_k_refuses_what_is_not_an_integer_in_bounds(raw: str | int, message: str) -> None:
    with pytest.raises(BadRequest, match=message) as raised:
        check_k(raw, n_rows=100)
    assert "parameter 'k'" in str(raised.value)


def test_check_k_refuses_more_folds_than_rows() -> None:
    with pytest.raises(BadRequest, match="k=10 folds need at least 10 rows, the selection has 9"):
        check_k("10", n_rows=9)
    assert check_k("9", n_rows=9) == 9


def test_k_bounds_are_the_catalogues() -> None:
    kfold = next(v for v in VALIDATIONS if v["code"] == "kfold")
    k = next(p for p in kfold["parameters"] if p["code"] == "k")
    assert (k["min"], k["max"], k["default_value"]) == (K_MIN, K_MAX, K_DEFAULT)
