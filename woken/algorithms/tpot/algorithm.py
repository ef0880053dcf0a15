"""AutoML with TPOT: the whole pipeline is searched, not chosen by the user.

- ``train``: the target's metadata type decides the problem (nominal: classifiers,
  numeric: regressors); the covariables arrive one column each with their missing
  values (the shared `ColumnEncoder`), and every pipeline imputes and one-hot encodes
  them itself (see `prepare`); a portfolio of strong defaults, then TPOT, search
  within the job's budget (see `search`); the best pipeline,
  refitted on all training rows, is saved in ``model/`` with its label decoding and
  the library versions (see `model`). The result describes the pipeline and the search.
- ``test``: refuses a model of other library versions, reloads the pipeline and
  predicts the rows of test.json: ``{"predictions": [...]}`` in the target's own
  values (class codes are decoded, never TPOT's integers).
- ``compute``: ``train`` on all rows, the model kept: an experiment serves it
  (``/mining/models/{id}``); the chosen pipeline is also exported as ONNX when every step
  converts and onnxruntime predicts the training rows as it does (see `onnx_export`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sklearn.preprocessing import LabelEncoder

from woken.algorithms.common.encoding import ColumnEncoder
from woken.algorithms.common.errors import InputError, NoTrainedModel
from woken.algorithms.common.model_store import TrainedModel, model_path
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    fit_and_describe,
    model_result,
    predictive_handlers,
    save_trained,
)
from woken.algorithms.common.results import Result
from woken.algorithms.common.runner import Handler
from woken.algorithms.tpot import onnx_export
from woken.algorithms.tpot.model import (
    TpotModel,
    check_same,
    check_versions,
    library_versions,
    write_versions,
)
from woken.algorithms.tpot.search import SearchSettings, run_search, steps_of


def fit(data: TrainingData) -> TpotModel:
    settings = SearchSettings.from_inputs(data.inputs, data.problem_type)
    label_encoder = None
    y = data.y
    if data.is_classification:
        # TPOT trains on class indices: encode here, and keep the encoder to decode.
        label_encoder = LabelEncoder().fit(data.y)
        if len(label_encoder.classes_) < 2:
            raise InputError(
                f"the training rows hold a single class of '{data.target.code}' "
                f"({label_encoder.classes_[0]}): a classifier needs at least two"
            )
        y = label_encoder.transform(data.y)
    nominal = data.encoder.nominal_columns if isinstance(data.encoder, ColumnEncoder) else {}
    outcome = run_search(settings, data.X, y, nominal)
    return TpotModel(
        pipeline=outcome.pipeline,
        label_encoder=label_encoder,
        text=outcome.text,
        search=outcome.summary,
        settings=settings.to_json(),
    )


def describe(model: TpotModel, data: TrainingData) -> dict[str, Any]:
    steps = steps_of(model.pipeline)
    chosen = model.search.get("chosen", {})
    return {
        "estimator": steps[-1],
        "steps": steps,
        # In words: "scaled logistic regression", "TPOT pipeline: ...", "... ensemble of ...".
        "chosen": chosen.get("name"),
        "chosen_from": chosen.get("source"),
        "cv_score": chosen.get("cv_score"),
        "pipeline": model.text,
        "classes": model.classes,
        "search": model.search,
        "settings": model.settings,
        "versions": model.versions,
    }


def save_versions(volume: Path, model: TpotModel) -> None:
    write_versions(volume, model.versions)


def check_loaded(volume: Path, trained: TrainedModel) -> None:
    if not isinstance(trained.estimator, TpotModel):
        raise NoTrainedModel(f"{model_path(volume)} was not saved by tpot train: run train again")
    check_same(trained.estimator.versions, library_versions(), str(model_path(volume).parent))


ALGORITHM = PredictiveAlgorithm(
    fit=fit,
    describe=describe,
    after_save=save_versions,
    # Before unpickling: a pipeline only loads with the versions that made it.
    before_load=check_versions,
    after_load=check_loaded,
    # Missing values and nominal columns reach the pipeline as they are: it prepares them.
    encoder=ColumnEncoder,
    # A search of minutes per fold: its folds run as their own jobs, in parallel.
    batched=False,
)



def compute(volume: Path) -> Result:
    """``train`` on every row, then the kept model's ONNX export (or why there is none)."""
    model, data, description = fit_and_describe(ALGORITHM, volume)
    save_trained(ALGORITHM, volume, model, data)
    exported = onnx_export.export(model.pipeline, model.classes, data.X)
    description["onnx"] = onnx_export.write(volume, exported)
    return model_result(ALGORITHM, model, data, description)


HANDLERS: dict[str, Handler] = {**predictive_handlers(ALGORITHM), "compute": compute}
