"""Splitting the selected rows into k folds for cross-validation (contract §5).

The folds are a pure function of ``(n_rows, k, seed, labels)``: the seed is
stored with the experiment, so the same experiment always gets the same folds,
and Woken (which writes each fold's rows into the job volumes) never depends on
the database or the container agreeing on a random order. The original's
``ORDER BY Random()`` with a session seed broke exactly there.

Row numbers are positions in the selected rows (0 .. n_rows-1), not database
keys.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from woken._guards.strict_numbers import parse_int
from woken.errors import BadRequest

# Bounds of the `k` parameter of the `kfold` validation: defined here, published by
# the catalogue (`GET /mining/algorithms`, woken.catalogue.registry.VALIDATIONS).
K_MIN = 2
K_MAX = 20
K_DEFAULT = 5

# numpy's legacy RandomState (what scikit-learn seeds) takes 0 <= seed < 2**32.
_SEED_MODULUS = 2**32

# warnings.catch_warnings() swaps process-wide state; actors call us from
# several threads, so at least our own calls must not interleave.
_warnings_lock = threading.Lock()


@dataclass(frozen=True)
class Fold:
    """One fold: train on ``train_rows``, predict ``test_rows``; both sorted row positions."""

    index: int
    train_rows: tuple[int, ...]
    test_rows: tuple[int, ...]


def make_folds(
    n_rows: int, k: int, seed: int, labels: Sequence[str] | None = None
) -> list[Fold]:
    """Split ``n_rows`` rows into ``k`` folds, shuffled deterministically by ``seed``.

    With ``labels`` (the target's values, for a classification problem) the
    folds are stratified, so that every fold sees the classes in about their
    overall proportions (per fold, within one row of ``count / k``).

    A class with fewer members than ``k`` cannot be in every fold: the split
    still happens (scikit-learn's warning about it is silenced), and such a
    class may be missing from some test folds and, if it has a single member,
    from one training fold. The caller must accept a model that never saw a
    class. When *every* class is smaller than ``k``, stratification is
    impossible and the folds are plain shuffled folds.

    Any integer seed works: it is reduced modulo 2**32 for numpy.

    Guarantees (checked here, not just hoped for): every row is in exactly one
    test fold, no test fold is empty, and each fold's training rows are all the
    other rows.

    Raises ``BadRequest`` when ``k < 2`` or ``k > n_rows``; ``ValueError`` when
    ``labels`` does not have ``n_rows`` entries (a bug of the caller).
    """
    _check_fold_count(k, n_rows)
    random_state = seed % _SEED_MODULUS
    placeholder = np.zeros((n_rows, 1))
    if labels is None:
        splits = KFold(n_splits=k, shuffle=True, random_state=random_state).split(placeholder)
        test_sets = [test for _, test in splits]
    else:
        if len(labels) != n_rows:
            raise ValueError(f"{len(labels)} labels given for {n_rows} rows")
        y = np.asarray([str(label) for label in labels])
        test_sets = _stratified_test_sets(placeholder, y, k, random_state)
    folds = [_fold(index, test, n_rows) for index, test in enumerate(test_sets)]
    _check_partition(folds, n_rows, k)
    return folds


def check_k(raw: str | int, n_rows: int) -> int:
    """Parse the ``k`` parameter of a ``kfold`` validation as it arrives on the wire.

    The portal sends parameter values as strings (``{"code": "k", "value": "2"}``).
    ``k`` must be an integer within the catalogue's bounds (2..20) and not above
    the number of selected rows: the original hung forever on fewer rows than
    folds, here it is a 400 before any job starts.
    """
    if isinstance(raw, bool):
        raise BadRequest(f"validation 'kfold': parameter 'k' must be an integer, got {raw!r}")
    if isinstance(raw, int):
        k = raw
    else:
        try:
            k = parse_int(str(raw))  # "3_0" is not 30, "٣" not 3
        except ValueError:
            raise BadRequest(
                f"validation 'kfold': parameter 'k' must be an integer, got {raw!r}"
            ) from None
    if not K_MIN <= k <= K_MAX:
        raise BadRequest(
            f"validation 'kfold': parameter 'k' must be between {K_MIN} and {K_MAX}, got {k}"
        )
    _check_fold_count(k, n_rows)
    return k


def _check_fold_count(k: int, n_rows: int) -> None:
    if k < 2:
        raise BadRequest(f"k-fold cross-validation needs k >= 2 folds, got k={k}")
    if k > n_rows:
        raise BadRequest(
            f"k={k} folds need at least {k} rows, the selection has {n_rows}",
            details={"k": k, "rows": n_rows},
        )


def _stratified_test_sets(
    placeholder: np.ndarray, y: np.ndarray, k: int, random_state: int
) -> list[np.ndarray]:
    _, counts = np.unique(y, return_counts=True)
    if counts.max() < k:
        # StratifiedKFold refuses outright; nothing to stratify with anyway.
        splits = KFold(n_splits=k, shuffle=True, random_state=random_state).split(placeholder)
        return [test for _, test in splits]
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    with _warnings_lock, warnings.catch_warnings():
        # "The least populated class in y has only N members": expected, documented above.
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        return [test for _, test in splitter.split(placeholder, y)]


def _fold(index: int, test: Iterable[int], n_rows: int) -> Fold:
    test_rows = tuple(sorted(int(row) for row in test))
    in_test = set(test_rows)
    train_rows = tuple(row for row in range(n_rows) if row not in in_test)
    return Fold(index=index, train_rows=train_rows, test_rows=test_rows)


def _check_partition(folds: list[Fold], n_rows: int, k: int) -> None:
    # Explicit raises rather than `assert`, which `python -O` strips.
    if len(folds) != k:
        raise AssertionError(f"{len(folds)} folds made, {k} asked for")
    if any(not fold.test_rows for fold in folds):
        raise AssertionError("a test fold is empty")
    all_test = sorted(row for fold in folds for row in fold.test_rows)
    if all_test != list(range(n_rows)):
        raise AssertionError("the test folds do not partition the rows")
