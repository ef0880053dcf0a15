"""The experiment's answer in the original's shape (contract §1, `POST /mining/experiment`).

One QueryResult whose `data` is an array, in request order, of one entry per
algorithm: ``{code, name, jobId, data, error}``. A model that is a JSON object
gets its validations under ``data.cells.validations.init``.
"""

from __future__ import annotations

import copy
from typing import Any

from woken.storage.models import utc_now

EXPERIMENT_SHAPE = "pfa_json"
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
    data = copy.deepcopy(model)
    if isinstance(data, dict):
        cells = data.setdefault("cells", {})
        cells["validations"] = {"type": {"type": "array", "items": "Validation"},
                                "init": validations}
    elif validations:
        # A model that is not an object cannot carry cells: its validations go beside it.
        entry["validations"] = validations
    entry["data"] = data
    entry["error"] = None
    if validations_skipped:
        entry["validationsSkipped"] = validations_skipped
    return entry


def experiment_result(
    experiment_id: str, node: str, entries: list[dict[str, Any] | None], error: str | None = None
) -> dict[str, Any]:
    return {
        "jobId": experiment_id,
        "node": node,
        "timestamp": utc_now().timestamp(),
        "function": EXPERIMENT_FUNCTION,
        "shape": EXPERIMENT_SHAPE,
        "data": entries,
        "error": error,
    }
