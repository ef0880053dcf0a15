"""The predictive commands shared by every model: compute, train (saves), test (loads, predicts)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import joblib
import pytest
import sklearn
from sklearn.dummy import DummyClassifier

from tests.unit.algorithms.volumes import nominal, read_result, real, write_volume
from woken.algorithms.common.model_store import load_model, model_path
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.common.runner import dispatch


def _fit(data: TrainingData) -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent").fit(data.X, data.y)


def _describe(model: DummyClassifier, data: TrainingData) -> dict[str, Any]:
    return {"classes": model.classes_.tolist()}


HANDLERS = predictive_handlers(PredictiveAlgorithm(fit=_fit, describe=_describe))


def _volume(tmp_path: Path, test_rows: list[int] | None = None) -> Path:
    return write_volume(
        tmp_path, algorithm="dummy",
        variables=[nominal("dx", ["AD", "CN", "CN", "CN"], categories=["AD", "CN", "MCI"])],
        covariables=[real("age", [70, 60, 65, 80]), nominal("sex", ["F", "M", "F", "M"])],
        test_rows=test_rows,
    )


def test_every_description_starts_with_the_shared_keys(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    assert dispatch(HANDLERS, ["compute"], volume) == 0
    assert read_result(volume, "compute") == {"shape": "json", "error": None, "data": {
        "target": "dx", "problem_type": "classification",
        "feature_names": ["age", "sex=F", "sex=M"], "n_training": 4, "classes": ["AD", "CN"],
    }}
    # compute keeps its model (an experiment serves it) with the libraries that wrote it.
    assert model_path(volume).exists()
    versions = json.loads((model_path(volume).parent / "versions.json").read_text())
    assert versions["scikit-learn"] == sklearn.__version__


def test_train_saves_what_test_needs_and_test_predicts_in_row_order(tmp_path: Path) -> None:
    volume = _volume(tmp_path, test_rows=[3, 0])
    assert dispatch(HANDLERS, ["train"], volume) == 0
    model = load_model(volume)
    assert model.target.code == "dx" and model.encoder.feature_names == ["age", "sex=F", "sex=M"]
    assert dispatch(HANDLERS, ["test"], volume) == 0
    # A classifier that estimates them also gives each row's class probabilities.
    assert read_result(volume, "test")["data"] == {
        "predictions": ["CN", "CN"],
        "probabilities": [{"AD": 0.0, "CN": 1.0}, {"AD": 0.0, "CN": 1.0}],
    }


def test_no_test_rows_give_no_predictions_and_a_missing_file_an_error(tmp_path: Path) -> None:
    volume = _volume(tmp_path, test_rows=[])
    assert dispatch(HANDLERS, ["train"], volume) == 0
    assert dispatch(HANDLERS, ["test"], volume) == 0
    assert read_result(volume, "test")["data"] == {"predictions": [], "probabilities": []}
    (volume / "test.json").unlink()
    assert dispatch(HANDLERS, ["test"], volume) == 1
    assert "test.json not found" in read_result(volume, "test")["error"]


def test_test_rows_with_an_unknown_category_fail_clearly(tmp_path: Path) -> None:
    volume = _volume(tmp_path, test_rows=[0])
    assert dispatch(HANDLERS, ["train"], volume) == 0
    (volume / "test.json").write_text(json.dumps({"columns": ["age", "sex"],
                                                  "rows": [[50, "X"]]}))
    assert dispatch(HANDLERS, ["test"], volume) == 1
    assert "test.json: row 0: 'sex' is 'X'" in read_result(volume, "test")["error"]


def test_a_model_from_another_scikit_learn_is_not_loaded(tmp_path: Path) -> None:
    volume = _volume(tmp_path, test_rows=[0])
    assert dispatch(HANDLERS, ["train"], volume) == 0
    joblib.dump(dataclasses.replace(load_model(volume), sklearn_version="0.1"), model_path(volume))
    assert dispatch(HANDLERS, ["test"], volume) == 1
    assert "trained with scikit-learn 0.1" in read_result(volume, "test")["error"]


def test_no_training_rows_is_an_error_not_an_empty_model(tmp_path: Path) -> None:
    volume = write_volume(tmp_path, algorithm="dummy", variables=[nominal("dx", ["AD"])],
                          covariables=[real("age", [70])], train_rows=[])
    assert dispatch(HANDLERS, ["train"], volume) == 1
    assert read_result(volume, "train")["error"] == "data.json has no rows to fit the model on"
    assert not model_path(volume).exists()


@pytest.mark.parametrize("command", ["compute", "train"])
def test_a_model_needs_a_covariable(tmp_path: Path, command: str) -> None:
    volume = write_volume(tmp_path, algorithm="dummy", variables=[nominal("dx", ["AD", "CN"])])
    assert dispatch(HANDLERS, [command], volume) == 1
    assert "at least one covariable" in read_result(volume, command)["error"]
