"""The containers as Woken sees them: manifests, images, and the real entrypoints' verdicts."""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
import scipy
import sklearn
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression, SGDClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier

from tests.unit.algorithms.volumes import (
    ALGORITHM_CODES,
    ALGORITHMS_DIR,
    Column,
    diabetes,
    iris,
    read_result,
    run_entrypoint,
    wine,
    write_volume,
)
from woken.algorithms.common.estimators import scaled
from woken.algorithms.common.pfa.document import model_description
from woken.catalogue.registry import Registry
from woken.features.variables import VariableMeta

PREDICTIVE = (
    "linearRegression", "knn", "naiveBayes", "tpot", "sgdLinearModel", "sgdNeuralNetwork",
    "gradientBoosting",
)
FEATURES_EXTRACTION = ("pca", "tSNE", "kmeans", "ggparci", "heatmaply", "hinmine", "hedwig")
# For each algorithm, a data set it accepts: (target, covariables) columns.
DATASETS: dict[str, Callable[[], tuple[Column, list[Column]]]] = {
    "statisticsSummary": wine,
    "histograms": lambda: (iris()[1][0], [iris()[0]]),
    "anova": lambda: (iris()[1][0], [iris()[0]]),
    "linearRegression": diabetes,
    "knn": iris,
    "naiveBayes": wine,
    "tpot": iris,
    "sgdLinearModel": iris,
    "sgdNeuralNetwork": wine,
    "gradientBoosting": diabetes,
    # The descriptive ones of numeric variables: iris's four measurements.
    "correlationHeatmap": lambda: (iris()[1][0], iris()[1][1:]),
    "pca": lambda: (iris()[1][0], iris()[1][1:]),
    "tSNE": lambda: (iris()[1][0], iris()[1][1:]),
    "kmeans": lambda: (iris()[1][0], iris()[1][1:]),
    "ggparci": lambda: (iris()[0], iris()[1]),
    "heatmaply": lambda: (iris()[1][0], iris()[1][1:]),
    "hinmine": iris,
    "hedwig": iris,
}
REFERENCE_MODELS: dict[str, Callable[[], Any]] = {
    "linearRegression": LinearRegression,
    "knn": KNeighborsClassifier,
    "naiveBayes": GaussianNB,
    "sgdLinearModel": lambda: scaled(SGDClassifier(loss="log_loss", random_state=42)),
    "sgdNeuralNetwork": lambda: scaled(MLPClassifier(random_state=42)),
    "gradientBoosting": lambda: GradientBoostingRegressor(random_state=42),
}


def _volume(code: str, directory: Path, **options: Any) -> Path:
    target, covariables = DATASETS[code]()
    return write_volume(directory, algorithm=code, variables=[target], covariables=covariables,
                        **options)


def test_the_registry_loads_every_manifest_with_an_executable_entrypoint() -> None:
    registry = Registry.load(ALGORITHMS_DIR)
    assert registry.codes() == sorted(ALGORITHM_CODES)
    for code in ALGORITHM_CODES:
        spec = registry.get(code)
        assert os.access(spec.entrypoint, os.X_OK), spec.entrypoint
        assert spec.entrypoint.read_text().startswith("#!/bin/sh\n")
        assert spec.predictive == (code in PREDICTIVE)
        assert spec.type == ("predictive_model" if code in PREDICTIVE else
                             "features_extraction" if code in FEATURES_EXTRACTION else
                             "statistics")
        handlers = importlib.import_module(f"woken.algorithms.{code}.algorithm").HANDLERS
        assert set(spec.commands) == set(handlers), code


def test_the_manifests_state_the_parameters_and_constraints_the_code_expects() -> None:
    registry = Registry.load(ALGORITHMS_DIR)
    k = registry.get("knn").parameters[0]
    assert (k.code, k.type, k.default_value, k.min, k.max) == ("k", "int", 5, 1, 100)
    assert registry.get("knn").resolve_parameters([]) == {"k": "5"}
    assert registry.get("histograms").resolve_parameters([]) == {"bins": "10"}
    real = VariableMeta("age", "Age", "real")
    sex = VariableMeta("sex", "Sex", "binominal", ({"code": "F", "label": "F"},
                                                   {"code": "M", "label": "M"}))
    registry.get("anova").check_variables([real], [sex], [])
    registry.get("anova").check_variables([real], [real], [])  # 2019's anova took them too
    with pytest.raises(Exception, match="does not accept variable 'sex'"):
        registry.get("anova").check_variables([sex], [real], [])
    with pytest.raises(Exception, match="does not accept variable 'sex'"):
        registry.get("linearRegression").check_variables([sex], [real], [])
    with pytest.raises(Exception, match="does not accept variable 'age'"):
        registry.get("naiveBayes").check_variables([real], [sex], [])
    registry.get("statisticsSummary").check_variables([sex], [], [real])


@pytest.mark.parametrize("code", ALGORITHM_CODES)
def test_each_dockerfile_builds_its_own_container(code: str) -> None:
    dockerfile = (ALGORITHMS_DIR / code / "Dockerfile").read_text()
    assert f"docker build -f woken/algorithms/{code}/Dockerfile .\n" in dockerfile
    assert "ARG BASE_IMAGE=woken/algorithm-base:" in dockerfile
    assert "FROM ${BASE_IMAGE}\n" in dockerfile
    assert f"COPY woken/algorithms/{code} /app/woken/algorithms/{code}\n" in dockerfile
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.*)$", dockerfile, re.M).group(1))
    assert entrypoint == ["/usr/bin/tini", "--", f"/app/woken/algorithms/{code}/entrypoint.sh"]
    assert dockerfile.rstrip().endswith('CMD ["compute"]')


def test_the_base_image_has_tini_the_libraries_and_the_shared_code() -> None:
    base = (ALGORITHMS_DIR / "common" / "Dockerfile").read_text()
    assert "FROM python:3.11.7-slim-bookworm\n" in base
    assert "apt-get install -y --no-install-recommends tini" in base
    assert "pip install --no-cache-dir -r /tmp/requirements.txt" in base
    assert "COPY woken/algorithms/common /app/woken/algorithms/common\n" in base
    assert "ENV PYTHONPATH=/app JOB_VOLUME=/data\n" in base


def test_the_images_pin_the_libraries_the_tests_ran_with() -> None:
    lines = (ALGORITHMS_DIR / "common" / "requirements.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    assert pins == {"numpy": np.__version__, "scipy": scipy.__version__,
                    "scikit-learn": sklearn.__version__, "joblib": joblib.__version__,
                    "networkx": version("networkx"), "orjson": version("orjson")}


@pytest.mark.parametrize("code", ALGORITHM_CODES)
def test_an_unknown_command_exits_2_and_says_so(code: str, tmp_path: Path) -> None:
    completed = run_entrypoint(code, tmp_path, "fit")
    assert completed.returncode == 2
    assert "unknown command 'fit'" in completed.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("code", ALGORITHM_CODES)
def test_a_crash_exits_1_with_its_reason_on_stderr_and_in_the_result(
    code: str, tmp_path: Path
) -> None:
    volume = _volume(code, tmp_path)
    data = json.loads((volume / "data.json").read_text())
    target = data["columns"][0]
    data["columns"][0] = "something_else"
    (volume / "data.json").write_text(json.dumps(data))
    command = "train" if code in PREDICTIVE else "compute"
    completed = run_entrypoint(code, volume, command)
    reason = f"column '{target}' is not in data.json"
    assert completed.returncode == 1
    assert "Traceback" in completed.stderr
    assert f"error: {command} failed: {reason}" in completed.stderr
    result = read_result(volume, command)
    assert result["shape"] == "error" and result["data"] is None
    assert result["error"].startswith(reason)


@pytest.mark.parametrize("code", PREDICTIVE)
def test_test_without_train_fails_clearly(code: str, tmp_path: Path) -> None:
    volume = _volume(code, tmp_path, test_rows=[0, 1])
    completed = run_entrypoint(code, volume, "test")
    message = f"no trained model in {volume}/model: run train first"
    assert completed.returncode == 1
    assert message in completed.stderr
    assert read_result(volume, "test") == {"shape": "error", "data": None, "error": message}


# tpot chooses its own model: tests/unit/algorithms/test_tpot.py checks its predictions.
@pytest.mark.parametrize("code", tuple(REFERENCE_MODELS))
def test_train_then_test_predicts_as_scikit_learn_does(code: str, tmp_path: Path) -> None:
    target, covariables = DATASETS[code]()
    n = len(target.values)
    train, test = list(range(0, n, 2)), list(range(1, n, 2))
    volume = write_volume(tmp_path, algorithm=code, variables=[target], covariables=covariables,
                          train_rows=train, test_rows=test)
    for command in ("train", "test"):
        completed = run_entrypoint(code, volume, command)
        assert completed.returncode == 0, completed.stderr
    assert (volume / "model" / "model.joblib").is_file()
    assert model_description(read_result(volume, "train")["data"])["n_training"] == len(train)
    predictions = read_result(volume, "test")["data"]["predictions"]
    X = np.column_stack([c.array for c in covariables])
    expected = REFERENCE_MODELS[code]().fit(X[train], target.array[train]).predict(X[test])
    if target.meta["type"] == "real":
        np.testing.assert_allclose(predictions, expected, rtol=1e-10)
    else:
        assert predictions == expected.tolist()
