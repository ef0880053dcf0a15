"""Job volumes for the algorithm tests, built from arrays in Woken's format.

A test names its columns (a target and features, with their metadata), and
`write_volume` writes job.json, data.json and, if asked, test.json exactly as
Woken would (see ``algorithms/common/volume.py``). The scikit-learn data sets
ship with scikit-learn: nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn import datasets

from woken.algorithms.common.runner import dispatch
from woken.algorithms.common.volume import read_json, result_path, write_json_atomically

REPO_ROOT = Path(__file__).resolve().parents[3]
ALGORITHMS_DIR = REPO_ROOT / "woken" / "algorithms"
ALGORITHM_CODES = (
    "statisticsSummary", "histograms", "anova", "linearRegression", "knn", "naiveBayes", "tpot",
    "sgdLinearModel", "sgdNeuralNetwork", "gradientBoosting", "correlationHeatmap", "pca", "tSNE",
    "kmeans", "ggparci", "heatmaply", "hinmine",
)


@dataclass(frozen=True)
class Column:
    """One variable: its metadata entry (as job.json carries it) and its values."""

    meta: dict[str, Any]
    values: list[Any]

    @property
    def code(self) -> str:
        return str(self.meta["code"])

    @property
    def array(self) -> np.ndarray:
        return np.asarray(self.values)


def real(code: str, values: Sequence[float], label: str | None = None,
         type: str = "real") -> Column:
    return Column({"code": code, "label": label or code, "type": type},
                  [float(v) for v in values])


def nominal(code: str, values: Sequence[Any], categories: Sequence[str] | None = None,
            labels: Sequence[str] | None = None, type: str = "polynominal") -> Column:
    """A nominal column; its enumerations are ``categories`` (default: the values seen)."""
    codes = [str(v) for v in values]
    categories = list(categories) if categories is not None else sorted(set(codes))
    labels = list(labels) if labels is not None else [f"label of {c}" for c in categories]
    enumerations = [{"code": c, "label": lab} for c, lab in zip(categories, labels, strict=True)]
    return Column({"code": code, "label": code, "type": type, "enumerations": enumerations},
                  codes)


def write_volume(
    directory: Path,
    *,
    algorithm: str,
    variables: Sequence[Column],
    covariables: Sequence[Column] = (),
    grouping: Sequence[Column] = (),
    parameters: dict[str, str] | None = None,
    train_rows: Sequence[int] | None = None,
    test_rows: Sequence[int] | None = None,
) -> Path:
    """Write job.json and data.json (``train_rows``, default all); test.json if ``test_rows``.

    test.json holds the feature columns only, as a `test` on new rows would get them.
    """
    directory.mkdir(parents=True, exist_ok=True)
    columns = list({c.code: c for c in [*variables, *covariables, *grouping]}.values())
    features = list({c.code: c for c in [*covariables, *grouping]}.values())
    job = {
        "job_id": "test-job",
        "algorithm": algorithm,
        "variables": [c.code for c in variables],
        "covariables": [c.code for c in covariables],
        "grouping": [c.code for c in grouping],
        "metadata": {c.code: c.meta for c in columns},
        "parameters": dict(parameters or {}),
    }
    write_json_atomically(directory / "job.json", job)
    every_row = range(len(columns[0].values))
    train = every_row if train_rows is None else train_rows
    write_json_atomically(directory / "data.json", _rows(columns, train))
    if test_rows is not None:
        write_json_atomically(directory / "test.json", _rows(features, test_rows))
    return directory


def _rows(columns: Sequence[Column], indices: Sequence[int]) -> dict[str, Any]:
    return {
        "columns": [c.code for c in columns],
        "rows": [[c.values[i] for c in columns] for i in indices],
    }


def read_result(volume: Path, command: str) -> dict[str, Any]:
    document = read_json(result_path(volume, command))
    assert set(document) == {"shape", "data", "error"}
    return dict(document)


def run_entrypoint(algorithm: str, volume: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``entrypoint.sh`` as the local backend does: a process, the volume in env.

    PYTHONPATH is removed and the working directory is the volume, to show that the
    entrypoint finds the ``algorithms`` package by itself.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["JOB_VOLUME"] = str(volume)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [str(ALGORITHMS_DIR / algorithm / "entrypoint.sh"), *args],
        env=env, cwd=volume, capture_output=True, text=True, timeout=120, check=False,
    )


# The scikit-learn data sets, as (target, features) columns.

def _code(name: str) -> str:
    """A variable code from a scikit-learn feature name ("sepal length (cm)" -> sepal_length_cm)."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _dataset(loader: Callable[[], Any], target_code: str,
             target_type: str | None) -> tuple[Column, list[Column]]:
    bunch = loader()
    features = [real(_code(name), bunch.data[:, j]) for j, name in enumerate(bunch.feature_names)]
    if target_type is None:
        return real(target_code, bunch.target), features
    names = [str(n) for n in bunch.target_names]
    target = nominal(target_code, [names[t] for t in bunch.target], categories=names,
                     labels=[n.replace("_", " ").title() for n in names], type=target_type)
    return target, features


def iris() -> tuple[Column, list[Column]]:
    return _dataset(datasets.load_iris, "species", "polynominal")


def wine() -> tuple[Column, list[Column]]:
    return _dataset(datasets.load_wine, "cultivar", "polynominal")


def breast_cancer() -> tuple[Column, list[Column]]:
    return _dataset(datasets.load_breast_cancer, "diagnosis", "binominal")


def diabetes() -> tuple[Column, list[Column]]:
    return _dataset(datasets.load_diabetes, "progression", None)


def computed(handlers: Mapping[str, Any], volume: Path, shape: str) -> Any:
    """Run `compute` in this process; it must succeed with `shape`. Returns its data."""
    assert dispatch(dict(handlers), ["compute"], volume) == 0
    result = read_result(volume, "compute")
    assert result["shape"] == shape and result["error"] is None, result
    return result["data"]
