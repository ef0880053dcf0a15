"""Each site's k folds, drawn from the experiment's seed: the same rows, every time.

A site numbers its selected rows (ordered by ``subject_id``), shuffles the numbers
with the seed and deals them into k folds. Only the fold to use (train: every fold
but one; test: that one) travels in a step's parameters; the rows stay.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.errors import BadRequest


def fold_of_rows(n: int, k: int, seed: int) -> np.ndarray:
    """The fold (0 to k - 1) of each of n rows."""
    order = np.random.default_rng(seed).permutation(n)
    folds = np.empty(n, dtype=np.int64)
    folds[order] = np.arange(n) % k
    return folds


def rows_of_part(n: int, part: dict[str, Any]) -> np.ndarray:
    """The rows a step's ``rows`` parameter keeps: ``{k, seed, fold, use: train|test}``."""
    try:
        k, seed, fold, use = int(part["k"]), int(part["seed"]), int(part["fold"]), part["use"]
    except (KeyError, TypeError, ValueError) as error:
        raise BadRequest(f"rows: expected k, seed, fold and use ({error})") from error
    if not k >= 2 or not 0 <= fold < k or use not in {"train", "test"}:
        raise BadRequest("rows: k >= 2, 0 <= fold < k, use 'train' or 'test'")
    folds = fold_of_rows(n, k, seed)
    return np.asarray(folds != fold if use == "train" else folds == fold)
