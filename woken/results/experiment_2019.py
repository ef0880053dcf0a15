"""The 2019 form of an experiment's answer, for a request in the 2019 dialect.

A 2019 request (contract, "The 2019 request and result formats") is one that
uses a field the 2017 portal never sent: `user`, `targetTable`,
`covariablesMustExist`, `trainingDatasets`, `testingDatasets`,
`validationDatasets` or `executionPlan`. It gets what the 2019 Woken answered
(`knn_experiment.json`): the type `application/vnd.hbp.mip.experiment.pfa+json`
and, for each algorithm, a whole result (`jobId`, `node`, `algorithm`,
`algorithmSpec`, `type`, `data`, `query`, `dataProvenance`, `feedback`,
`timestamp`) whose model carries its k-fold scores in the cell `validations`,
folds numbered from "1" and scores named as 2019 named them. A 2017 request
keeps the 2017 form (`woken.results.experiment`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from woken.algorithms.common.pfa.document import is_pfa

EXPERIMENT_TYPE = "application/vnd.hbp.mip.experiment.pfa+json"
FIELDS_2019 = ("user", "targetTable", "covariablesMustExist", "trainingDatasets",
               "testingDatasets", "validationDatasets", "executionPlan")
# The score names of the 2019 answers where they differ from this Woken's (2017) ones.
SCORE_NAMES_2019 = {"Weighted Recall": "Weighted recall",
                    "Weighted Precision": "Weighted precision"}


def is_2019_request(request: Mapping[str, Any] | None) -> bool:
    """Whether the request speaks the 2019 dialect (uses a field 2017 did not have)."""
    return request is not None and any(field in request for field in FIELDS_2019)


def score_2019(score: Any) -> Any:
    """A score object with 2019's metric names."""
    if not isinstance(score, dict):
        return score
    return {SCORE_NAMES_2019.get(name, name): value for name, value in score.items()}


def kfold_2019(data: Any) -> Any:
    """A k-fold score with folds numbered from "1" and 2019's metric names."""
    if not isinstance(data, dict) or data.get("type") != "KFoldCrossValidationScore":
        return score_2019(data)
    answer = dict(data)
    answer["average"] = score_2019(data.get("average"))
    answer["folds"] = {str(int(index) + 1): score_2019(fold)
                       for index, fold in (data.get("folds") or {}).items()}
    return answer


def validation_2019(validation: dict[str, Any], spec: dict[str, Any] | None) -> dict[str, Any]:
    """One validation of a model's cell as 2019 wrote it, with the spec it was asked with."""
    answer = dict(validation)
    if "data" in answer:
        answer["data"] = kfold_2019(answer["data"])
    answer["validationSpec"] = spec or {"code": validation.get("code"), "parameters": []}
    return answer


def entry_2019(entry: dict[str, Any] | None, spec: dict[str, Any], result: dict[str, Any],
               validation_specs: list[dict[str, Any]]) -> dict[str, Any]:
    """One algorithm's whole result, as in the 2019 experiment's `data`."""
    entry = entry or {"jobId": None, "data": None, "error": "the algorithm did not run"}
    model = entry.get("data")
    if isinstance(model, dict) and isinstance(model.get("cells"), dict) \
            and "validations" in model["cells"]:
        # New dicts down to the validations cell, the rest of the model shared, not copied.
        cell = model["cells"]["validations"]
        init = [validation_2019(v, validation_specs[i] if i < len(validation_specs) else None)
                for i, v in enumerate(cell.get("init", []))]
        model = {**model, "cells": {**model["cells"], "validations": {**cell, "init": init}}}
    if entry.get("error"):
        kind = "text/plain+error"
    else:
        kind = "application/pfa+json" if is_pfa(model) else "application/json"
    answer: dict[str, Any] = {
        "jobId": entry.get("jobId"),
        "node": result.get("node"),
        "algorithm": spec.get("code", entry.get("code")),
        "algorithmSpec": {"code": spec.get("code"), "parameters": spec.get("parameters", [])},
        "type": kind,
        "data": model,
        "query": {**(result.get("query") or {}), "algorithm": spec},
        "dataProvenance": result.get("dataProvenance", []),
        "feedback": result.get("feedback", []),
        "timestamp": result.get("timestamp"),
        "error": entry.get("error"),
    }
    return answer


def experiment_2019(result: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """The 2019 form of an experiment's QueryResult (its 2017 fields stay beside)."""
    specs = list(request.get("algorithms") or [])
    validation_specs = list(request.get("validations") or [])
    entries = result.get("data")
    if not isinstance(entries, list):
        return {**result, "type": EXPERIMENT_TYPE}
    return {
        **result,
        "type": EXPERIMENT_TYPE,
        "data": [entry_2019(entry, specs[i] if i < len(specs) else {}, result, validation_specs)
                 for i, entry in enumerate(entries)],
    }
