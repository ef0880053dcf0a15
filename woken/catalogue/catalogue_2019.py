"""The catalogue as the 2019 portal reads it (`GET /mining/methods`, `list_algorithms.json`).

Each algorithm's `type` is a list; its parameters carry their bounds under
`constraints` (an enumeration its `values`); the variable constraint names
`integer` beside `real` (an integer variable is numeric, accepted where a real one
is). The validation is `kFoldCrossValidation` with its parameter `fold`; the
metrics are objects `{code, label, tooltip, type}` per problem type, including
`binominal_classification`, named as the 2019 scores name them.
"""

from __future__ import annotations

from typing import Any

from woken.catalogue.registry import AlgorithmSpec, ParameterSpec, Registry
from woken.validation.folds import K_DEFAULT, K_MAX, K_MIN

METRIC_LABELS = {
    "MSE": "Mean square error", "RMSE": "Root mean square error",
    "MAE": "Mean absolute error", "R-squared": "Coefficient of determination (R²)",
    "Explained variance": "Explained variance", "Confusion matrix": "Confusion matrix",
    "Accuracy": "Accuracy", "Weighted precision": "Weighted precision",
    "Weighted recall": "Weighted recall", "Weighted F1-score": "Weighted F1-score",
    "Weighted false positive rate": "Weighted false positive rate",
    "Precision": "Precision", "Recall": "Recall", "F1-score": "F1-score",
    "False positive rate": "False positive rate",
}
METRICS_2019 = {
    "regression": ["MSE", "RMSE", "MAE", "R-squared", "Explained variance"],
    "classification": ["Confusion matrix", "Accuracy", "Weighted precision", "Weighted recall",
                       "Weighted F1-score", "Weighted false positive rate"],
    "binominal_classification": ["Confusion matrix", "Accuracy", "Precision", "Recall",
                                 "F1-score", "False positive rate"],
}
VALIDATIONS_2019 = [{
    "code": "kFoldCrossValidation",
    "label": "Random k-fold Cross Validation",
    "parameters": [{"code": "fold", "label": "Fold", "type": "int", "default_value": K_DEFAULT,
                    "description": "The number of cross-validation fold",
                    "constraints": {"min": K_MIN, "max": K_MAX}}],
}]


def metric(code: str) -> dict[str, str]:
    kind = "confusion_matrix" if code == "Confusion matrix" else "numeric"
    return {"code": code, "label": METRIC_LABELS[code], "tooltip": METRIC_LABELS[code],
            "type": kind}


def parameter_2019(parameter: ParameterSpec) -> dict[str, Any]:
    document = {key: value for key, value in parameter.to_json().items()
                if key not in ("min", "max")}
    document["default_value"] = parameter.default_for(dialect_2019=True)
    if parameter.type in ("int", "number"):
        document["constraints"] = {"min": parameter.min, "max": parameter.max}
    return document


def algorithm_2019(spec: AlgorithmSpec) -> dict[str, Any]:
    entry = spec.to_json()
    variable = entry["constraints"]["variable"]
    return {
        "code": spec.code,
        "label": spec.label,
        "type": [spec.type],
        "description": spec.description,
        "docker_image": spec.docker_image,
        "environment": spec.environment,
        "constraints": {**entry["constraints"],
                        "variable": {**variable, "integer": variable.get("real", False)}},
        "parameters": [parameter_2019(p) for p in spec.parameters],
    }


def catalogue_2019(registry: Registry) -> dict[str, Any]:
    return {
        "algorithms": [algorithm_2019(registry.get(code)) for code in registry.codes()],
        "validations": VALIDATIONS_2019,
        "metrics": {problem: [metric(code) for code in codes]
                    for problem, codes in METRICS_2019.items()},
    }
