"""sgdNeuralNetwork: predictions equal scikit-learn's scaled MLP pipelines with the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tests.unit.algorithms.checks import (
    assert_refused_by_the_registry,
    assert_same_predictions,
    matrix,
    train_and_test,
)
from tests.unit.algorithms.volumes import computed, diabetes, iris, read_result, write_volume
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.sgdNeuralNetwork.algorithm import HANDLERS, hidden_layers


def test_classification_on_a_fold_predicts_as_scikit_learn(tmp_path: Path) -> None:
    species, features = iris()
    train, test = list(range(0, 150, 2)), list(range(1, 150, 2))
    parameters = {"hidden_layer_sizes": "16, 8", "activation": "tanh", "seed": "3",
                  "learning_rate_init": "0.01"}
    volume = write_volume(tmp_path, algorithm="sgdNeuralNetwork", variables=[species],
                          covariables=features, parameters=parameters,
                          train_rows=train, test_rows=test)
    model, predictions = train_and_test(HANDLERS, volume)
    X = matrix(features)
    reference = make_pipeline(StandardScaler(), MLPClassifier(
        hidden_layer_sizes=(16, 8), activation="tanh", learning_rate_init=0.01, random_state=3,
    )).fit(X[train], species.array[train])
    assert_same_predictions(predictions, reference.predict(X[test]), species)
    assert model["layer_sizes"] == [4, 16, 8, 3]
    assert model["output_activation"] == "softmax"
    assert model["loss"] == pytest.approx(reference[-1].loss_, rel=1e-12)
    assert model["n_iter"] == reference[-1].n_iter_


def test_regression_on_a_fold_predicts_as_scikit_learn(tmp_path: Path) -> None:
    target, features = diabetes()
    train, test = list(range(300)), list(range(300, 442))
    volume = write_volume(tmp_path, algorithm="sgdNeuralNetwork", variables=[target],
                          covariables=features, parameters={"hidden_layer_sizes": "32"},
                          train_rows=train, test_rows=test)
    model, predictions = train_and_test(HANDLERS, volume)
    X = matrix(features)
    reference = make_pipeline(StandardScaler(), MLPRegressor(
        hidden_layer_sizes=(32,), random_state=42,
    )).fit(X[train], target.array[train])
    assert_same_predictions(predictions, reference.predict(X[test]), target)
    assert model["problem_type"] == "regression" and model["output_activation"] == "identity"


def test_compute_on_every_row_fits_what_scikit_learn_fits(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="sgdNeuralNetwork", variables=[species],
                          covariables=features, parameters={"max_iter": "50"})
    model = model_description(computed(HANDLERS, volume, "pfa_json"))
    reference = make_pipeline(StandardScaler(), MLPClassifier(max_iter=50, random_state=42))
    with pytest.warns(ConvergenceWarning):  # 50 epochs do not converge: scikit-learn says so
        reference.fit(matrix(features), species.array)
    assert model["loss"] == pytest.approx(reference[-1].loss_, rel=1e-12)
    assert model["n_iter"] == 50 and model["converged"] is False
    assert model["parameters"]["hidden_layer_sizes"] == [100]


@pytest.mark.parametrize(("text", "widths"), [("100", (100,)), (" 64 ,32 ", (64, 32)),
                                              ("1,1000", (1, 1000))])
def test_hidden_layer_sizes_are_read_from_their_string(text: str, widths: tuple) -> None:
    assert hidden_layers(text) == widths


@pytest.mark.parametrize("text", ["", "64;32", "0", "1001", "-5", "1.5", ",".join(["8"] * 11)])
def test_bad_hidden_layer_sizes_are_refused_by_the_manifest_and_the_container(text: str) -> None:
    assert_refused_by_the_registry("sgdNeuralNetwork", "hidden_layer_sizes", text, "must match")
    with pytest.raises(InputError, match="hidden_layer_sizes"):
        hidden_layers(text)


@pytest.mark.parametrize(("parameter", "value", "message"), [
    ("activation", "softmax", "must be one of"),
    ("learning_rate_init", "0", "must be >= 1e-06"),
    ("max_iter", "0", "must be >= 1"),
    ("alpha", "-1", "must be >= 0"),
])
def test_bad_parameters_are_refused_by_the_manifest(parameter: str, value: str,
                                                    message: str) -> None:
    assert_refused_by_the_registry("sgdNeuralNetwork", parameter, value, message)


def test_a_hand_written_bad_layer_string_fails_the_job_clearly(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="sgdNeuralNetwork", variables=[species],
                          covariables=features, parameters={"hidden_layer_sizes": "64,x"})
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert "'100' or '64,32', got '64,x'" in read_result(volume, "compute")["error"]

