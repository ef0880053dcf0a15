"""The models experiments keep: find one, describe it, and predict rows with it as a job.

A model is the `compute` job of a predictive algorithm in an experiment: fitted on every
selected row, its volume keeps `model/` for as long as the experiment (see retention).
Predicting copies the model into a fresh volume with the rows, and runs the algorithm's
own `test` command on the backend: the pickle is only ever loaded inside the algorithm's
container, by the library that wrote it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woken.actors.coordinator import CoordinatorActor
from woken.actors.messages import JobEnded, StartJob
from woken.actors.steps import batch_step, derived_id, model_step, parse_step
from woken.algorithms.common.model_store import MODEL_FILE, VERSIONS_FILE
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.volume import JOB_FILE, MODEL_DIR, TEST_DATA_FILE
from woken.algorithms.tpot.onnx_export import ONNX_FILE
from woken.algorithms.tpot.onnx_export import STATUS_FILE as ONNX_STATUS_FILE
from woken.catalogue.registry import BATCHED_COMMAND
from woken.container.volumes import create_volume, write_json_atomically
from woken.errors import NotExportable, NotFound
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.planning.job_plan import JobPlan
from woken.planning.prediction_rows import check_rows
from woken.results.model_card import model_card
from woken.states import JobState
from woken.storage.database import StoredResult
from woken.storage.tables import Experiment, Job
from woken.system.services import Services


@dataclass(frozen=True)
class StoredModel:
    """A kept model: its compute job, its experiment and the volume that holds it."""

    job: Job
    experiment_id: str
    volume: Path

    @property
    def file(self) -> Path:
        return self.volume / MODEL_DIR / MODEL_FILE

    def read(self, name: str) -> dict[str, Any]:
        try:
            return dict(json.loads((self.volume / name).read_text()))
        except (OSError, ValueError):
            return {}


def find_model(services: Services, model_id: str) -> StoredModel:
    job = services.woken_db.get_job(model_id)
    # The model of an algorithm is its compute job's, or its batched cross_validate job's.
    if (job is None or job.command not in ("compute", BATCHED_COMMAND) or not job.experiment_id
            or not job.volume):
        raise NotFound(f"no model {model_id}")
    model = StoredModel(job, job.experiment_id, Path(job.volume))
    if job.state != JobState.SUCCEEDED.value or not model.file.is_file():
        raise NotFound(f"no model {model_id}: its job {job.state} without keeping a model")
    return model


def card(services: Services, model_id: str) -> dict[str, Any]:
    model = find_model(services, model_id)
    experiment = services.woken_db.get_experiment(model.experiment_id)
    index = parse_step(model.job.step or "a0.model")[0]
    result = services.woken_db.get_result(model.job.id, model.job.node)
    return model_card(
        model_id=model.job.id, experiment_id=model.experiment_id,
        algorithm=model.job.algorithm, created_at=model.job.finished_at,
        job_document=model.read(JOB_FILE),
        description=_description(result),
        leaderboard_row=_leaderboard_row(experiment, index),
        request=experiment.request if experiment else {},
        versions=model.read(f"{MODEL_DIR}/{VERSIONS_FILE}"),
    )


def model_file(services: Services, model_id: str) -> Path:
    return find_model(services, model_id).file


def onnx_file(services: Services, model_id: str) -> Path:
    """The model as ONNX, which its algorithm exported and checked when it fitted it.

    Refused (naming the step that stops it) when the algorithm could not export it, and
    for an algorithm that exports none (its model is a PFA document or a pickle).
    """
    model = find_model(services, model_id)
    status = model.read(f"{MODEL_DIR}/{ONNX_STATUS_FILE}")
    path = model.volume / MODEL_DIR / ONNX_FILE
    if status.get("exportable") is True and path.is_file():
        return path
    if not status:
        raise NotExportable(
            f"model {model_id} ({model.job.algorithm}) has no ONNX export: only AutoML "
            f"(tpot) models are exported; this one is at /mining/models/{model_id}/download")
    raise NotExportable(f"model {model_id} cannot be exported as ONNX: "
                        f"{status.get('reason', 'its export failed')}")


def start_prediction(
    services: Services, model_id: str, records: list[dict[str, Any]],
    on_end: Callable[[StoredResult], None],
) -> str:
    """Check the rows, then run the algorithm's `test` on a fresh volume; returns the job id."""
    model = find_model(services, model_id)
    document = model.read(JOB_FILE)
    metadata = document.get("metadata", {})
    features = [metadata.get(code, {"code": code}) for code in document.get("covariables", [])]
    rows = check_rows(records, features)
    algorithm = services.registry.get(model.job.algorithm)
    release = services.job_admission.admit()
    try:
        job_id, volume = create_volume(services.config.volumes_dir)
        shutil.copytree(model.volume / MODEL_DIR, volume / MODEL_DIR)
        write_json_atomically(volume / JOB_FILE, {**document, "job_id": job_id})
        write_json_atomically(volume / TEST_DATA_FILE, {
            "columns": [f["code"] for f in features], "rows": rows})
        plan = JobPlan(
            algorithm=algorithm,
            variables=[_meta(metadata, c) for c in document.get("variables", [])],
            covariables=[_meta(metadata, c) for c in document.get("covariables", [])],
            grouping=[], parameters=document.get("parameters", {}),
            datasets=document.get("datasets", []), data=SelectedData([], []),
            request={"model": model_id, "rows": len(rows)},
            timeout_s=model.job.timeout_s,
        )
    except BaseException:
        release()
        raise

    def ended(message: JobEnded) -> None:
        release()
        on_end(message.result)

    CoordinatorActor.start(services, plan, job_id, volume, ended, command="test").tell(StartJob())
    return job_id


def experiment_models(services: Services, experiment: Experiment) -> list[dict[str, Any]]:
    """The models an experiment keeps, one per predictive algorithm that fitted one."""
    models = []
    for index, entry in enumerate((experiment.request or {}).get("algorithms", [])):
        for step in (model_step(index), batch_step(index)):
            model_id = derived_id(experiment.id, step)
            try:
                find_model(services, model_id)
                break
            except NotFound:
                continue
        else:
            continue
        models.append({"index": index, "algorithm": entry.get("code"), "modelId": model_id,
                       "href": f"/mining/models/{model_id}"})
    return models


def _description(result: StoredResult | None) -> dict[str, Any] | None:
    """The model's description: a compute job's result, or the `model` of a batched one's."""
    data = None if result is None else result.data
    if isinstance(data, dict) and isinstance(data.get("model"), dict) and "validations" in data:
        data = data["model"]
    description = model_description(data)
    return dict(description) if isinstance(description, dict) else None


def _meta(metadata: dict[str, Any], code: str) -> VariableMeta:
    document = metadata.get(code, {})
    return VariableMeta(
        code=code, label=document.get("label", code), type=document.get("type", "real"),
        enumerations=tuple(document.get("enumerations", ())),
    )


def _leaderboard_row(experiment: Experiment | None, index: int) -> dict[str, Any] | None:
    board = ((experiment.result if experiment else None) or {}).get("leaderboard") or {}
    for row in board.get("rows", []):
        if row.get("index") == index:
            return {"metric": board.get("metric"), **row}
    return None
