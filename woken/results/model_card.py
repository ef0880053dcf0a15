"""A model's card: what it is, what it was fitted on, how well it scored, what wrote it."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def model_card(
    *,
    model_id: str,
    experiment_id: str,
    algorithm: str,
    created_at: datetime | None,
    job_document: dict[str, Any],
    description: dict[str, Any] | None,
    leaderboard_row: dict[str, Any] | None,
    request: dict[str, Any],
    versions: dict[str, Any],
) -> dict[str, Any]:
    metadata = job_document.get("metadata", {})

    def described(codes: list[str]) -> list[dict[str, Any]]:
        return [metadata.get(code, {"code": code}) for code in codes]

    description = description or {}
    return {
        "modelId": model_id,
        "algorithm": algorithm,
        "parameters": job_document.get("parameters", {}),
        "target": described(job_document.get("variables", [])),
        "features": described(job_document.get("covariables", [])),
        "problemType": description.get("problem_type"),
        "scores": leaderboard_row,
        "provenance": {
            "experimentId": experiment_id,
            "datasets": job_document.get("datasets", []),
            "filters": request.get("filters"),
            "trainingRows": description.get("n_training"),
            "fittedOn": "every selected row (the experiment's compute job)",
        },
        "libraries": versions,
        "createdAt": created_at.isoformat() if created_at else None,
        "links": {
            "download": f"/mining/models/{model_id}/download",
            "predict": f"/mining/models/{model_id}/predict",
            "experiment": f"/mining/experiments/{experiment_id}",
        },
    }
