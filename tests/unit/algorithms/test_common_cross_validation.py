"""The batched `cross_validate` command gives each fold what its own train/test pair gives."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.algorithms.volumes import (
    Column,
    diabetes,
    iris,
    read_result,
    write_volume,
)
from woken.algorithms.common.runner import dispatch
from woken.algorithms.common.volume import FOLDS_FILE, MODEL_DIR
from woken.validation.folds import make_folds

K = 4
SEED = 11
CLASSIFIERS = ["knn", "naiveBayes", "gradientBoosting", "sgdLinearModel", "sgdNeuralNetwork"]
REGRESSORS = ["knn", "linearRegression", "gradientBoosting", "sgdLinearModel"]


def _handlers(code: str) -> Any:
    return importlib.import_module(f"woken.algorithms.{code}.algorithm").HANDLERS


def _folds_document(fold_of_row: list[int]) -> dict[str, Any]:
    return {"validations": [{"index": 0, "k": K, "fold_of_row": fold_of_row}]}


def _per_fold(code: str, tmp: Path, target: Column, features: list[Column],
              parameters: dict[str, str]) -> list[list[Any]]:
    labels = target.values if target.meta["type"] == "polynominal" else None
    predictions = []
    for fold in make_folds(len(target.values), K, SEED, labels):
        volume = write_volume(tmp / f"fold{fold.index}", algorithm=code, variables=[target],
                              covariables=features, parameters=parameters,
                              train_rows=fold.train_rows, test_rows=fold.test_rows)
        assert dispatch(_handlers(code), ["train"], volume) == 0
        assert dispatch(_handlers(code), ["test"], volume) == 0
        predictions.append(read_result(volume, "test")["data"]["predictions"])
    return predictions


def _batched(code: str, tmp: Path, target: Column, features: list[Column],
             parameters: dict[str, str]) -> dict[str, Any]:
    labels = target.values if target.meta["type"] == "polynominal" else None
    fold_of_row = [0] * len(target.values)
    for fold in make_folds(len(target.values), K, SEED, labels):
        for row in fold.test_rows:
            fold_of_row[row] = fold.index
    volume = write_volume(tmp / "batched", algorithm=code, variables=[target],
                          covariables=features, parameters=parameters)
    (volume / FOLDS_FILE).write_text(json.dumps(_folds_document(fold_of_row)))
    assert dispatch(_handlers(code), ["cross_validate"], volume) == 0
    assert (volume / MODEL_DIR).is_dir()
    result = read_result(volume, "cross_validate")
    assert result["shape"] == "json" and result["error"] is None
    return dict(result["data"])


@pytest.mark.parametrize(("code", "dataset"), [
    *[(c, iris) for c in CLASSIFIERS], *[(c, diabetes) for c in REGRESSORS],
])
def test_each_fold_predicts_as_its_own_train_test_pair(code: str, dataset: Any,
                                                       tmp_path: Path) -> None:
    target, features = dataset()
    parameters = {"seed": "3"} if code.startswith(("sgd", "gradient")) else {}
    expected = _per_fold(code, tmp_path, target, features, parameters)
    batched = _batched(code, tmp_path, target, features, parameters)
    (validation,) = batched["validations"]
    assert validation["index"] == 0
    assert [f["fold"] for f in validation["folds"]] == list(range(K))
    assert [f["predictions"] for f in validation["folds"]] == expected
    assert all(f["fit_time_s"] >= 0 for f in validation["folds"])
    # The model is the one `compute` describes on all rows.
    volume = write_volume(tmp_path / "compute", algorithm=code, variables=[target],
                          covariables=features, parameters=parameters)
    assert dispatch(_handlers(code), ["compute"], volume) == 0
    assert batched["model"] == read_result(volume, "compute")["data"]


def test_a_failing_fold_is_reported_in_its_entry_and_the_others_run(tmp_path: Path) -> None:
    target, features = iris()
    # Fold 1 holds 146 of the 150 rows: k = 5 neighbours > its 4 training rows.
    fold_of_row = [0] * 4 + [1] * 146
    volume = write_volume(tmp_path, algorithm="knn", variables=[target], covariables=features,
                          parameters={"k": "5"})
    (volume / FOLDS_FILE).write_text(json.dumps(_folds_document(fold_of_row)))
    assert dispatch(_handlers("knn"), ["cross_validate"], volume) == 0
    folds = read_result(volume, "cross_validate")["data"]["validations"][0]["folds"]
    assert len(folds[0]["predictions"]) == 4
    assert folds[1] == {"fold": 1, "error": "k = 5 is more than the 4 training rows"}


def test_without_folds_json_the_job_fails_naming_the_file(tmp_path: Path) -> None:
    target, features = iris()
    volume = write_volume(tmp_path, algorithm="knn", variables=[target], covariables=features)
    assert dispatch(_handlers("knn"), ["cross_validate"], volume) == 1
    assert FOLDS_FILE in read_result(volume, "cross_validate")["error"]


def test_automl_keeps_one_job_per_fold() -> None:
    assert "cross_validate" not in _handlers("tpot")
