"""The chosen AutoML pipeline as ONNX: onnxruntime predicts held-out rows as Woken does.

The pipelines are the search's own (its preparation step, portfolio members, a weighted
vote) fitted on rows with missing values and a nominal column; the ONNX model is exported
from the training rows and run by onnxruntime on rows it never saw. A step ONNX cannot
express exactly is refused, named.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import pytest
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.preprocessing import LabelEncoder

from woken.algorithms.common.model_store import model_path
from woken.algorithms.tpot import onnx_export
from woken.algorithms.tpot.model import TpotModel
from woken.algorithms.tpot.portfolio import members
from woken.algorithms.tpot.prepare import preparation

ROWS = 240
NOMINAL = {2: ("a", "b", "c")}


def _rows(seed: int) -> np.ndarray:
    """Two numbers (one with gaps) and a nominal column (category indices, with gaps)."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(size=ROWS), rng.normal(size=ROWS),
                         rng.integers(0, 3, ROWS).astype(float)])
    X[rng.random(ROWS) < 0.1, 0] = np.nan
    X[rng.random(ROWS) < 0.1, 2] = np.nan
    return X


def _target(X: np.ndarray, problem: str) -> np.ndarray:
    signal = X[:, 1] + np.nan_to_num(X[:, 0]) * 0.5 + (X[:, 2] == 1)
    if problem == "regression":
        return 3000.0 + 400.0 * signal
    return np.where(signal > 0.8, "overt", np.where(signal > -0.2, "chemical", "normal"))


def _member(problem: str, name: str) -> Any:
    found = next(m for m in members(problem) if m.name.startswith(name))
    return found.pipeline(preparation(3, NOMINAL), 7)


def _vote(problem: str) -> Any:
    parts = [(str(n), _member(problem, name)) for n, name in enumerate(
        ("scaled logistic", "scaled k-NN (k = 5)", "scaled multi-layer") if problem ==
        "classification" else ("scaled ridge", "scaled k-NN (k = 5)", "scaled multi-layer"))]
    if problem == "classification":
        return VotingClassifier(parts, voting="soft", weights=[3, 1, 2])
    return VotingRegressor(parts, weights=[3, 1, 2])


def _fitted(pipeline: Any, problem: str) -> tuple[TpotModel, np.ndarray]:
    X = _rows(1)
    y = _target(X, problem)
    encoder = LabelEncoder().fit(y) if problem == "classification" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = clone(pipeline).fit(X, encoder.transform(y) if encoder else y)
    return TpotModel(pipeline=fitted, label_encoder=encoder, text=""), X


@pytest.mark.parametrize("problem", ["classification", "regression"])
@pytest.mark.parametrize("build", [
    lambda p: _member(p, "scaled logistic" if p == "classification" else "scaled ridge"),
    lambda p: _member(p, "scaled multi-layer"),
    _vote,
], ids=["linear", "mlp", "weighted-vote"])
def test_onnxruntime_predicts_held_out_rows_as_woken_does(problem: str, build: Any) -> None:
    model, X_train = _fitted(build(problem), problem)
    exported = onnx_export.export(model.pipeline, model.classes, X_train)
    assert exported.onnx is not None, exported.status
    held_out = _rows(2)  # rows the pipeline was not fitted on, with gaps
    session = onnxruntime.InferenceSession(exported.onnx, providers=["CPUExecutionProvider"])
    outputs = session.run(None, {"X": held_out})
    woken = model.predict(held_out)
    if problem == "classification":
        assert list(outputs[0]) == list(woken)
        assert exported.status["classes"] == ["chemical", "normal", "overt"]
        np.testing.assert_allclose(outputs[1], model.pipeline.predict_proba(held_out),
                                   rtol=0, atol=1e-6)
    else:
        np.testing.assert_allclose(np.ravel(outputs[0]), woken, rtol=0, atol=1e-6)


def _with(problem: str, name: str) -> Any:
    """A vote of the scaled linear model and one more member."""
    linear = "scaled logistic" if problem == "classification" else "scaled ridge"
    return _vote(problem).set_params(estimators=[("0", _member(problem, linear)),
                                                 ("1", _member(problem, name))], weights=None)


def test_a_classifier_with_trees_exports_them_in_single_precision() -> None:
    model, X_train = _fitted(_with("classification", "gradient boosting"), "classification")
    exported = onnx_export.export(model.pipeline, model.classes, X_train)
    assert exported.onnx is not None, exported.status
    held_out = _rows(2)
    session = onnxruntime.InferenceSession(exported.onnx, providers=["CPUExecutionProvider"])
    label, probabilities = session.run(None, {"X": held_out})
    assert list(label) == list(model.predict(held_out))
    np.testing.assert_allclose(probabilities, model.pipeline.predict_proba(held_out),
                               rtol=0, atol=1e-6)


def test_a_step_onnx_cannot_express_is_refused_by_name() -> None:
    # Histogram gradient boosting: skl2onnx 1.20 converts it in neither precision.
    model, X = _fitted(_with("classification", "histogram gradient boosting"),
                       "classification")
    exported = onnx_export.export(model.pipeline, model.classes, X)
    assert exported.onnx is None
    assert exported.status["exportable"] is False
    assert "HistGradientBoostingClassifier" in exported.status["step"]
    assert "skl2onnx cannot convert it" in exported.status["reason"]
    # Regression trees sum their leaves in single precision: further apart than 1e-6.
    model, X = _fitted(_with("regression", "random forest"), "regression")
    refused = onnx_export.export(model.pipeline, None, X).status
    assert refused["exportable"] is False
    assert "RandomForestRegressor summed in single precision" in refused["reason"]


def test_write_keeps_the_model_or_the_reason_beside_the_pickle(tmp_path: Path) -> None:
    folder = model_path(tmp_path).parent
    folder.mkdir(parents=True)
    model, X = _fitted(_member("regression", "scaled ridge"), "regression")
    status = onnx_export.write(tmp_path, onnx_export.export(model.pipeline, None, X))
    assert status["exportable"] is True
    assert (folder / onnx_export.ONNX_FILE).stat().st_size > 0
    (folder / onnx_export.ONNX_FILE).unlink()
    refused = onnx_export.Export(None, {"exportable": False, "step": "S", "reason": "step S: r"})
    assert onnx_export.write(tmp_path, refused)["reason"] == "step S: r"
    assert not (folder / onnx_export.ONNX_FILE).exists()
