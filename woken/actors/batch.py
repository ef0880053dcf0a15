"""Reading a batched `cross_validate` job's result: the model, and each fold's predictions.

The result's data is ``{"model": <PFA document or description>, "model_shape",
"validations": [{"index", "folds": [{"fold", "predictions", "fit_time_s"} |
{"fold", "error"}]}]}`` (see
`woken.algorithms.common.cross_validation`). The model becomes the algorithm's
model outcome as a `compute` job's would be; each fold becomes the `FoldPredicted`
its train/test pair would have sent, with the same checks on the predictions.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from woken.actors.messages import FoldPredicted, JobEnded
from woken.planning.experiment_plan import ValidationPlan
from woken.states import JobState


def model_outcome(ended: JobEnded) -> JobEnded:
    """The job's outcome as the model's: its data is the model's description only."""
    if not ended.succeeded:
        return ended
    data = ended.result.data
    model = data.get("model") if isinstance(data, dict) else None
    if not isinstance(model, dict):
        result = dataclasses.replace(ended.result, data=None,
                                     error="cross_validate wrote no model description")
        return dataclasses.replace(ended, state=JobState.FAILED, result=result)
    # The model's own shape (pfa_json for a PFA document), not the batch envelope's.
    shape = data.get("model_shape") or ended.result.shape
    return dataclasses.replace(ended, result=dataclasses.replace(ended.result, data=model,
                                                                 shape=str(shape)))


def fold_outcomes(ended: JobEnded, validation: ValidationPlan) -> list[FoldPredicted]:
    """One `FoldPredicted` per fold of the validation, from the job's result."""
    if not ended.succeeded:
        reason = f"the cross_validate job failed: {_first_line(ended.result.error)}"
        return [FoldPredicted(f.index, None, reason) for f in validation.folds]
    written = _folds_written(ended.result.data, validation.index)
    outcomes = []
    for fold in validation.folds:
        entry = written.get(fold.index)
        expected = len(fold.test_rows)
        if entry is None:
            outcomes.append(FoldPredicted(fold.index, None, "cross_validate wrote no entry"))
        elif entry.get("error"):
            outcomes.append(FoldPredicted(fold.index, None, str(entry["error"])))
        elif not isinstance(entry.get("predictions"), list) or (
            len(entry["predictions"]) != expected
        ):
            outcomes.append(FoldPredicted(
                fold.index, None,
                f"cross_validate wrote no usable predictions (expected a list of {expected})",
            ))
        else:
            fit_time = entry.get("fit_time_s")
            outcomes.append(FoldPredicted(
                fold.index, list(entry["predictions"]), None,
                float(fit_time) if isinstance(fit_time, int | float) else None,
            ))
    return outcomes


def _folds_written(data: Any, validation: int) -> dict[int, dict[str, Any]]:
    validations = data.get("validations") if isinstance(data, dict) else None
    for entry in validations if isinstance(validations, list) else []:
        if isinstance(entry, dict) and entry.get("index") == validation:
            folds = entry.get("folds")
            return {int(f["fold"]): f for f in folds if isinstance(f, dict)
                    and isinstance(f.get("fold"), int)} if isinstance(folds, list) else {}
    return {}


def _first_line(text: str | None) -> str:
    return (text or "no reason given").splitlines()[0]
