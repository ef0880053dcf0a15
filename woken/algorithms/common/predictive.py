"""The three commands of a predictive model, from the two things only the model knows.

An algorithm gives ``fit(data) -> estimator`` and ``describe(estimator, data)
-> dict``; this module does the rest the same way for all of them:

- ``compute``: fit on data.json, write the description;
- ``train``: fit on data.json, save the estimator and its encoder in ``model/``,
  write the description;
- ``test``: load the model, predict the rows of test.json in their order, write
  ``{"predictions": [...]}``. The rows of test.json need the features only;
- ``cross_validate`` (unless the algorithm opts out): every fold of the volume's
  folds.json fitted and predicted in this one process, then the final model as
  ``train`` makes it (see `woken.algorithms.common.cross_validation`). A fold's
  fit sees the same rows in the same order as its ``train`` job would, so its
  predictions are the same.

Every description starts with the same keys (target, problem type, encoded
feature names, number of training rows) so that models read alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.cross_validation import COMMAND, read_batch, run_folds, timed
from woken.algorithms.common.encoding import FeatureEncoder, encode_target, problem_type
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.model_store import TrainedModel, load_model, save_model
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler
from woken.algorithms.common.table import read_table
from woken.algorithms.common.variables import Variable
from woken.algorithms.common.volume import TEST_DATA_FILE


@dataclass(frozen=True)
class TrainingData:
    """The encoded training rows, with what is needed to read them back (names, target)."""

    inputs: JobInputs
    encoder: FeatureEncoder
    X: npt.NDArray[np.float64]
    y: npt.NDArray[Any]

    @property
    def target(self) -> Variable:
        return self.inputs.target

    @property
    def feature_names(self) -> list[str]:
        return self.encoder.feature_names

    @property
    def problem_type(self) -> str:
        return problem_type(self.target)

    @property
    def is_classification(self) -> bool:
        return self.target.is_nominal

    def require(self, expected: str, model: str) -> None:
        """Refuse a target of the wrong kind (Woken's manifest check is the first line)."""
        if self.problem_type != expected:
            kind = "nominal" if expected == "classification" else "numeric"
            raise InputError(
                f"{model} needs a {kind} target ({expected}); '{self.target.code}' is "
                f"{self.target.type}"
            )


Fit = Callable[[TrainingData], Any]
Describe = Callable[[Any, TrainingData], dict[str, Any]]
# The fitted model as PFA (see `woken.algorithms.common.pfa`); imported lazily below.
ToPfa = Callable[[Any, TrainingData], Any]


@dataclass(frozen=True)
class PredictiveAlgorithm:
    """What a predictive algorithm gives: how to fit and describe its model, and optional hooks."""

    fit: Fit
    describe: Describe
    # Reference coding of nominal features (see FeatureEncoder.drop_first).
    drop_first: bool = False
    # Optional steps around the model store: after `train` saved the model (to write
    # what else `test` needs), and before `test` loads it (to refuse what cannot load).
    after_save: Callable[[Path, Any], None] | None = None
    before_load: Callable[[Path], None] | None = None
    after_load: Callable[[Path, TrainedModel], None] | None = None
    # How the features reach `fit`: one-hot and complete (FeatureEncoder), or one column
    # per variable with missing values kept, for a model that imputes and encodes in its
    # own pipeline (ColumnEncoder).
    encoder: type[FeatureEncoder] = FeatureEncoder
    # Offers `cross_validate` (its manifest must list it too): False for a model whose
    # folds must each run in their own job (AutoML searches for minutes per fold).
    batched: bool = True
    # The model as a PFA document's cells and action; None for a model PFA cannot express
    # (an AutoML pipeline): its result is then its JSON description, labelled as such.
    pfa: ToPfa | None = None


def training_data(
    inputs: JobInputs, drop_first: bool = False, encoder_type: type[FeatureEncoder] = FeatureEncoder
) -> TrainingData:
    """Encode the rows of data.json for fitting; no rows is an error, not an empty model."""
    if encoder_type is not FeatureEncoder:
        # A model that takes gaps in its features still learns nothing from a row without
        # its target (Woken sends such rows to a manifest with missing_values = "keep").
        inputs = replace(inputs, table=inputs.table.without_missing(inputs.target.code))
    if len(inputs.table) == 0:
        raise InputError(f"{inputs.table.source} has no rows to fit the model on")
    encoder = encoder_type(inputs.features, drop_first=drop_first)
    return TrainingData(
        inputs=inputs,
        encoder=encoder,
        X=encoder.encode(inputs.table),
        y=encode_target(inputs.target, inputs.table),
    )


def model_result(algorithm: PredictiveAlgorithm, estimator: Any, data: TrainingData,
                 description: dict[str, Any]) -> Result:
    """The model as a PFA document carrying its description, or the description alone."""
    if algorithm.pfa is None:
        return Result(Shape.JSON, description)
    from woken.algorithms.common.pfa.document import pfa_document

    return Result(Shape.PFA_JSON,
                  pfa_document(algorithm.pfa(estimator, data), data.encoder, description))


def fit_and_describe(
    algorithm: PredictiveAlgorithm, volume: Path
) -> tuple[Any, TrainingData, dict[str, Any]]:
    """Fit on data.json; the description starts with the keys every model shares."""
    data = training_data(
        read_inputs(volume), drop_first=algorithm.drop_first, encoder_type=algorithm.encoder
    )
    estimator = algorithm.fit(data)
    return estimator, data, describe_model(algorithm, estimator, data)


def save_trained(algorithm: PredictiveAlgorithm, volume: Path, estimator: Any,
                 data: TrainingData) -> None:
    """Save the model in model/ for `test` (and what the algorithm adds after it)."""
    save_model(
        volume,
        TrainedModel(
            algorithm=data.inputs.algorithm,
            estimator=estimator,
            encoder=data.encoder,
            target=data.target,
        ),
    )
    if algorithm.after_save is not None:
        algorithm.after_save(volume, estimator)


def cross_validate(algorithm: PredictiveAlgorithm, volume: Path) -> dict[str, Any]:
    """Every fold of folds.json, then the final model on all rows (saved, described)."""
    inputs, assignments = read_batch(volume)
    data = training_data(inputs, drop_first=algorithm.drop_first)

    def fit_and_predict(fold_inputs: JobInputs, X: npt.NDArray[np.float64], y: npt.NDArray[Any],
                        X_test: npt.NDArray[np.float64]) -> tuple[list[Any], float]:
        fold_data = TrainingData(inputs=fold_inputs, encoder=data.encoder, X=X, y=y)
        estimator, fit_s = timed(algorithm.fit, fold_data)
        return predict_rows(estimator, X_test), fit_s

    validations = [
        {"index": index, "folds": run_folds(inputs, data.X, data.y, folds, fit_and_predict)}
        for index, folds in assignments
    ]
    estimator = algorithm.fit(data)
    save_trained(algorithm, volume, estimator, data)
    model = model_result(algorithm, estimator, data, describe_model(algorithm, estimator, data))
    return {"model": model.data, "model_shape": str(model.shape), "validations": validations}


def predict(model: TrainedModel, volume: Path) -> list[Any]:
    """Predictions for the rows of test.json, in row order."""
    table = read_table(volume / TEST_DATA_FILE)
    if len(table) == 0:
        return []
    return predict_rows(model.estimator, model.encoder.encode(table))


def predict_rows(estimator: Any, X: npt.NDArray[np.float64]) -> list[Any]:
    """The estimator's predictions of encoded rows, as plain Python values."""
    if len(X) == 0:
        return []
    predictions = estimator.predict(X)
    if isinstance(predictions, np.ndarray) and predictions.dtype != object:
        return list(predictions.tolist())  # Python numbers or strings, in one C call
    return [p.item() if isinstance(p, np.generic) else p for p in predictions]


def describe_model(
    algorithm: PredictiveAlgorithm, estimator: Any, data: TrainingData
) -> dict[str, Any]:
    """The model's description: the keys every model shares, then its own."""
    return {
        "target": data.target.code,
        "problem_type": data.problem_type,
        "feature_names": data.feature_names,
        "n_training": len(data.y),
        **algorithm.describe(estimator, data),
    }


def class_probabilities(model: TrainedModel, volume: Path) -> list[dict[str, float]] | None:
    """Each row's probability per class, for a classifier that estimates them; else None."""
    estimator = model.estimator
    if not hasattr(estimator, "predict_proba") or not hasattr(estimator, "classes_"):
        return None
    table = read_table(volume / TEST_DATA_FILE)
    if len(table) == 0:
        return []
    try:
        matrix = estimator.predict_proba(model.encoder.encode(table))
    except (AttributeError, NotImplementedError):
        return None  # e.g. an SGD classifier with a loss that gives no probabilities
    classes = [c.item() if isinstance(c, np.generic) else c for c in estimator.classes_]
    return [{str(c): float(p) for c, p in zip(classes, row, strict=True)} for row in matrix]


def predictive_handlers(algorithm: PredictiveAlgorithm) -> dict[str, Handler]:
    """The handlers of ``compute``, ``train`` and ``test`` for the runner."""

    # `compute` fits on every selected row and keeps the model as `train` does: it is the
    # model an experiment serves (`/mining/models/{id}`), and `test` can predict with it.
    def train(volume: Path) -> Result:
        estimator, data, description = fit_and_describe(algorithm, volume)
        save_trained(algorithm, volume, estimator, data)
        return model_result(algorithm, estimator, data, description)

    def test(volume: Path) -> Result:
        if algorithm.before_load is not None:
            algorithm.before_load(volume)
        trained = load_model(volume)
        if algorithm.after_load is not None:
            algorithm.after_load(volume, trained)
        answer: dict[str, Any] = {"predictions": predict(trained, volume)}
        probabilities = class_probabilities(trained, volume)
        if probabilities is not None:
            answer["probabilities"] = probabilities
        return Result(Shape.JSON, answer)

    def batch(volume: Path) -> Result:
        return Result(Shape.JSON, cross_validate(algorithm, volume))

    handlers: dict[str, Handler] = {"compute": train, "train": train, "test": test}
    if algorithm.batched:
        handlers[COMMAND] = batch
    return handlers
