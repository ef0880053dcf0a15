"""The experiment's answer in the original's shape (contract §1, `POST /mining/experiment`).

One QueryResult whose `data` is an array, in request order, of one entry per
algorithm: ``{code, name, jobId, data, error}``. A model that is a JSON object
gets its validations under ``data.cells.validations.init``. Beside the 2017
fields, the 2019 ones: ``type`` (the MIME type), ``algorithm``,
``dataProvenance``, ``feedback`` and ``query``.
"""

from __future__ import annotations

from typing import Any

from woken.shapes import EXPERIMENT_SHAPE, mime_type
from woken.storage.tables import utc_now
from woken.validation.scores import primary_metric

EXPERIMENT_FUNCTION = "experiment"


def validation_entry(
    code: str, name: str, node: str, score: dict[str, Any] | None, error: str | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": code, "name": name, "node": node}
    if error is None:
        entry["data"] = score
    else:
        entry["error"] = error
    return entry


def dataset_score(dataset: str, score: dict[str, Any]) -> dict[str, Any]:
    """A held-out dataset's score: the one fold's score, named for what it is."""
    return {
        "type": "ValidationDatasetScore",
        "dataset": dataset,
        "score": score["average"],
    }


def algorithm_entry(
    code: str,
    name: str,
    job_id: str | None,
    model: Any,
    error: str | None,
    validations: list[dict[str, Any]],
    validations_skipped: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": code, "name": name, "jobId": job_id}
    if error is not None:
        entry["data"] = None
        entry["error"] = error
        return entry
    data = model
    if isinstance(data, dict):
        # Copies of the two levels that change, not of the model (a deep copy of a
        # k-NN's codebook cost more than the job).
        data = {**model, "cells": {**model.get("cells", {}), "validations": {
            "type": {"type": "array", "items": "Validation"}, "init": validations}}}
    elif validations:
        # A model that is not an object cannot carry cells: its validations go beside it.
        entry["validations"] = validations
    entry["data"] = data
    entry["error"] = None
    if validations_skipped:
        entry["validationsSkipped"] = validations_skipped
    return entry


def experiment_result(
    experiment_id: str,
    node: str,
    entries: list[dict[str, Any] | None],
    problem: str,
    error: str | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The QueryResult; `leaderboard` sits beside `data`, which stays the original's array.

    ``context``: the 2019 fields (:meth:`woken.planning.provenance.ResultContext.to_json`).
    """
    return {
        "jobId": experiment_id,
        "node": node,
        "timestamp": utc_now().timestamp(),
        "function": EXPERIMENT_FUNCTION,
        "shape": EXPERIMENT_SHAPE,
        "type": mime_type(EXPERIMENT_SHAPE),
        "algorithm": EXPERIMENT_FUNCTION,
        "dataProvenance": [],
        "feedback": [],
        "query": None,
        **(context or {}),
        "data": entries,
        "leaderboard": leaderboard(entries, problem),
        "error": error,
    }


def leaderboard(entries: list[dict[str, Any] | None], problem: str) -> dict[str, Any]:
    """The algorithms ranked by their cross-validated score.

    The rank is by the mean over folds of the problem's primary metric (accuracy, or
    R-squared), higher first; the standard deviation over folds and the pooled score
    go beside it. Algorithms without a score (not predictive, failed, unfinished)
    come last, unranked, with the reason.
    """
    metric, higher_is_better = primary_metric(problem)
    scored: list[dict[str, Any]] = []
    unscored: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        row = _leaderboard_row(index, entry, metric)
        (scored if row.get("mean") is not None else unscored).append(row)
    scored.sort(key=lambda row: row["mean"], reverse=higher_is_better)
    for rank, row in enumerate(scored, start=1):
        row["rank"] = rank
    return {
        "metric": metric,
        "higherIsBetter": higher_is_better,
        "ranking": "mean over folds of the first k-fold validation",
        "rows": scored + unscored,
    }


def _leaderboard_row(index: int, entry: dict[str, Any] | None, metric: str) -> dict[str, Any]:
    row: dict[str, Any] = {"rank": None, "index": index}
    if entry is None:
        return {**row, "reason": "not finished"}
    row.update(code=entry["code"], name=entry["name"], parameters=entry.get("parameters"),
               fitTime=entry.get("fitTime"))
    model = entry.get("data")
    if isinstance(model, dict) and model.get("pipeline"):
        row["pipeline"] = model["pipeline"]
    if entry.get("error"):
        return {**row, "reason": entry["error"]}
    if entry.get("validationsSkipped"):
        return {**row, "reason": entry["validationsSkipped"]}
    validations = (model or {}).get("cells", {}).get("validations", {}).get("init", [])
    # Ranked by k-fold; a held-out dataset's score has no spread over folds.
    validations = [v for v in validations if v.get("code") != "validationDataset"]
    if not validations:
        return {**row, "reason": "no k-fold validation was requested"}
    first = validations[0]
    if "error" in first:
        return {**row, "reason": first["error"]}
    score = first["data"]
    return {
        **row,
        "mean": score["fold_mean"].get(metric),
        "std": score["fold_std"].get(metric),
        "pooled": score["average"].get(metric),
    }
