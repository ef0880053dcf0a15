"""Each algorithm's real entrypoint, run as its own process (as the local backend runs it).

These started processes from tests/unit; they live here since tests/unit holds only
tests with no processes and no network.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.volumes import (
    breast_cancer,
    iris,
    nominal,
    read_result,
    real,
    run_entrypoint,
    write_volume,
)
from woken.algorithms.common.pfa.document import model_description


def test_the_anova_entrypoint_computes_in_its_own_process(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="anova", variables=[features[3]],
                          covariables=[species])
    completed = run_entrypoint("anova", volume, "compute")
    assert completed.returncode == 0, completed.stderr
    effect = read_result(volume, "compute")["data"]["one_way"][0]["table"][0]
    assert effect["F"] > 100 and effect["PR(>F)"] < 1e-50


def test_the_histograms_entrypoint_computes_in_its_own_process(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="histograms", variables=[features[2]],
                          grouping=[species])
    completed = run_entrypoint("histograms", volume, "compute")
    assert completed.returncode == 0, completed.stderr
    charts = read_result(volume, "compute")["data"]
    assert sum(charts[0]["series"][0]["data"]) == 150 and len(charts) == 2


def test_the_knn_entrypoint_computes_in_its_own_process(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="knn", variables=[species], covariables=features,
                          parameters={"k": "3"})
    completed = run_entrypoint("knn", volume, "compute")
    assert completed.returncode == 0, completed.stderr
    result = read_result(volume, "compute")
    assert result["shape"] == "pfa_json" and model_description(result["data"])["k"] == 3


def test_the_linear_regression_entrypoint_computes_in_its_own_process(tmp_path: Path) -> None:
    x = np.linspace(0, 1, 20)
    volume = write_volume(tmp_path, algorithm="linearRegression",
                          variables=[real("y", 3 * x + 1)], covariables=[real("x", x)],
                          grouping=[nominal("site", ["a", "b"] * 10)])
    completed = run_entrypoint("linearRegression", volume, "compute")
    assert completed.returncode == 0, completed.stderr
    data = model_description(read_result(volume, "compute")["data"])
    assert data["coefficients"]["x"] == pytest.approx(3.0)
    assert data["intercept"] == pytest.approx(1.0)
    assert data["coefficients"]["site=b"] == pytest.approx(0.0, abs=1e-9)


def test_the_naive_bayes_entrypoint_computes_in_its_own_process(tmp_path: Path) -> None:
    target, features = breast_cancer()
    volume = write_volume(tmp_path, algorithm="naiveBayes", variables=[target],
                          covariables=features)
    completed = run_entrypoint("naiveBayes", volume, "compute")
    assert completed.returncode == 0, completed.stderr
    assert model_description(read_result(volume, "compute")["data"])["classes"] == [
        "benign", "malignant"]


def test_the_statistics_summary_entrypoint_computes_in_its_own_process(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="statisticsSummary", variables=[species],
                          covariables=features)
    completed = run_entrypoint("statisticsSummary", volume, "compute")
    assert completed.returncode == 0, completed.stderr
    data = read_result(volume, "compute")["data"]
    assert data["data"][1]["mean"] == pytest.approx(features[0].array.mean())
