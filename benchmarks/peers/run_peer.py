"""One fold of an AutoML peer (FLAML or AutoGluon-Tabular), run in the peer's own venv.

Called by `benchmarks/peers/driver.py` as ``PYTHON run_peer.py REQUEST.json``, with the
python of ``scripts/flaml_venv.sh`` or ``scripts/autogluon_venv.sh``; imports nothing of
Woken (the peers' pins differ from the service's). The request names the fold's training
and test rows (CSV files, the target and the nominal columns), the problem, the time
budget in seconds and the seed; the answer (JSON, at the request's ``out``) holds the
test rows' predictions, the fit and predict times and the versions. One CPU per fold,
as each of Woken's AutoML jobs gets one thread.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from importlib import metadata
from typing import Any

import pandas as pd


def _frames(request: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    types = dict.fromkeys(request["nominal"], str)
    train = pd.read_csv(request["train_csv"], dtype=types, keep_default_na=False,
                        na_values=[""])
    test = pd.read_csv(request["test_csv"], dtype=types, keep_default_na=False, na_values=[""])
    for frame in (train, test):
        for code in request["nominal"]:
            if code != request["target"]:
                frame[code] = frame[code].astype("category")
    return train, test


def flaml(request: dict[str, Any], train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    from flaml import AutoML

    target = request["target"]
    classification = request["problem"] == "classification"
    automl = AutoML()
    started = time.monotonic()
    automl.fit(
        X_train=train.drop(columns=[target]), y_train=train[target],
        task="classification" if classification else "regression",
        metric="accuracy" if classification else "r2",
        time_budget=request["budget_s"], n_jobs=1, seed=request["seed"], verbose=0,
        log_file_name="",
    )
    fit_s = time.monotonic() - started
    started = time.monotonic()
    predicted = automl.predict(test.drop(columns=[target]))
    return {"fit_s": fit_s, "predict_s": time.monotonic() - started,
            "predictions": [_plain(v) for v in predicted],
            "model": f"{automl.best_estimator} {automl.best_config}",
            "versions": {"flaml": metadata.version("flaml")}}


def autogluon(request: dict[str, Any], train: pd.DataFrame,
              test: pd.DataFrame) -> dict[str, Any]:
    from autogluon.tabular import TabularPredictor

    target = request["target"]
    if request["problem"] == "regression":
        problem, metric = "regression", "r2"
    else:
        problem = "binary" if train[target].nunique() == 2 else "multiclass"
        metric = "accuracy"
    with tempfile.TemporaryDirectory() as path:
        predictor = TabularPredictor(label=target, problem_type=problem, eval_metric=metric,
                                     path=path, verbosity=0)
        started = time.monotonic()
        predictor.fit(train, time_limit=request["budget_s"], num_cpus=1, num_gpus=0)
        fit_s = time.monotonic() - started
        started = time.monotonic()
        predicted = predictor.predict(test.drop(columns=[target]))
        predict_s = time.monotonic() - started
        model = predictor.model_best
    return {"fit_s": fit_s, "predict_s": predict_s,
            "predictions": [_plain(v) for v in predicted], "model": str(model),
            "versions": {"autogluon.tabular": metadata.version("autogluon.tabular")}}


PEERS = {"flaml": flaml, "autogluon": autogluon}


def _plain(value: Any) -> Any:
    """A prediction as JSON: a number for a regression, the class label as text."""
    if isinstance(value, str):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def main() -> None:
    with open(sys.argv[1]) as file:
        request = json.load(file)
    train, test = _frames(request)
    answer = PEERS[request["peer"]](request, train, test)
    answer["versions"].update({"python": sys.version.split()[0],
                               "scikit-learn": metadata.version("scikit-learn"),
                               "pandas": pd.__version__})
    with open(request["out"], "w") as file:
        json.dump(answer, file)


if __name__ == "__main__":
    main()
