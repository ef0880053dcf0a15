"""The batched ``cross_validate`` command: every fold of an algorithm, and its model, in one job.

One job per fold costs a process, a volume and a copy of the rows each; for a
fit of a millisecond that is nearly all of it. Here the volume holds the rows
once (``data.json``, as for ``compute``) and the fold assignment
(``folds.json``)::

    {"validations": [{"index": 0, "k": 10, "fold_of_row": [3, 0, 7, ...]}]}

``fold_of_row[r]`` is the fold whose test rows hold row ``r`` (rows numbered as
in data.json). Fold ``f`` trains on the rows of every other fold and predicts
its own, both in row order: exactly the rows, in exactly the order, that the
per-fold path writes into its ``data.json`` and ``test.json``, so each fold's
model and predictions are the same as there. The job then fits the final model
on all rows, saves it in ``model/`` as ``train`` would, and writes::

    results/cross_validate.json = {"shape": "json", "error": null, "data": {
        "model": <what compute writes>,
        "validations": [{"index": 0, "folds": [
            {"fold": 0, "predictions": [...], "fit_time_s": 0.004},
            {"fold": 1, "error": "k = 5 is more than the 4 training rows"}, ...]}]}}

A fold that fails is reported in its own entry (the others still run), as
the per-fold path reports it for its own train/test pair. Woken scores the
predictions: the held-out truth never enters the job's results.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.runner import error_message
from woken.algorithms.common.volume import FOLDS_FILE, read_json

COMMAND = "cross_validate"

# (the fold's inputs, its encoded training rows and target, its encoded test rows)
# -> (the predictions of the test rows, the fit's seconds)
FitAndPredict = Callable[[JobInputs, np.ndarray, np.ndarray, np.ndarray], tuple[list[Any], float]]


def fold_assignments(volume: Path, n_rows: int) -> list[tuple[int, list[int]]]:
    """(validation index, fold of each row) for each validation of folds.json, checked."""
    path = volume / FOLDS_FILE
    if not path.is_file():
        raise InputError(f"{path} not found: Woken writes the folds there for {COMMAND}")
    document = read_json(path)
    validations = document.get("validations") if isinstance(document, dict) else None
    if not isinstance(validations, list):
        raise InputError(f"{FOLDS_FILE} must be an object with a list 'validations'")
    assignments: list[tuple[int, list[int]]] = []
    for validation in validations:
        folds = validation.get("fold_of_row") if isinstance(validation, dict) else None
        if not isinstance(folds, list) or len(folds) != n_rows:
            raise InputError(f"{FOLDS_FILE}: each validation needs 'fold_of_row', one fold "
                             f"per row of the {n_rows} rows")
        if not all(isinstance(f, int) and not isinstance(f, bool) and f >= 0 for f in folds):
            raise InputError(f"{FOLDS_FILE}: a fold number is not a non-negative integer")
        assignments.append((int(validation.get("index", len(assignments))), folds))
    return assignments


def subset(inputs: JobInputs, rows: np.ndarray) -> JobInputs:
    """The same job on some of its rows (in their order)."""
    every_row = inputs.table.rows
    table = dataclasses.replace(inputs.table, rows=tuple([every_row[r] for r in rows.tolist()]))
    return dataclasses.replace(inputs, table=table)


def run_folds(
    inputs: JobInputs,
    X: np.ndarray,
    y: np.ndarray,
    fold_of_row: list[int],
    fit_and_predict: FitAndPredict,
) -> list[dict[str, Any]]:
    """Each fold's predictions of its held-out rows and its fit time, or its error.

    ``fit_and_predict(inputs, X_train, y_train, X_test) -> (predictions, fit seconds)``.
    """
    assignment = np.asarray(fold_of_row)
    entries: list[dict[str, Any]] = []
    for fold in range(int(assignment.max()) + 1 if len(assignment) else 0):
        test = np.flatnonzero(assignment == fold)
        train = np.flatnonzero(assignment != fold)
        try:
            if len(train) == 0:
                raise InputError(f"fold {fold} leaves no rows to fit the model on")
            predictions, fit_s = fit_and_predict(subset(inputs, train), X[train], y[train],
                                                 X[test])
            entries.append({"fold": fold, "predictions": predictions, "fit_time_s": fit_s})
        except Exception as error:  # reported per fold, as the per-fold path does
            entries.append({"fold": fold, "error": error_message(error)})
    return entries


def timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def read_batch(volume: Path) -> tuple[JobInputs, list[tuple[int, list[int]]]]:
    inputs = read_inputs(volume)
    return inputs, fold_assignments(volume, len(inputs.table))
