"""A multi-layer perceptron (scikit-learn's MLP) on standardized features.

A nominal target gets ``MLPClassifier`` (softmax or logistic output), a numeric
one ``MLPRegressor``. Both are trained by Adam, scikit-learn's default stochastic
gradient solver, with the seed fixing the initial weights and the batches.
The hidden layers are given as a string of widths, "100" or "64,32".
"""

from __future__ import annotations

from typing import Any

from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.estimators import scaled, scaling_of, seed
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.sgdNeuralNetwork.pfa import mlp_pfa

# Defaults, bounds and values of the parameters: algorithm.toml (read by `parameters`).
MAX_LAYERS, MAX_WIDTH = 10, 1000


def hidden_layers(text: str) -> tuple[int, ...]:
    """"64,32" -> (64, 32): 1 to MAX_LAYERS widths of 1 to MAX_WIDTH neurons."""
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() for part in parts):
        raise InputError(
            f"parameter 'hidden_layer_sizes' must be comma-separated layer widths such as "
            f"'100' or '64,32', got {text!r}"
        )
    widths = tuple(int(part) for part in parts)
    if len(widths) > MAX_LAYERS or not all(1 <= w <= MAX_WIDTH for w in widths):
        raise InputError(
            f"parameter 'hidden_layer_sizes' takes 1 to {MAX_LAYERS} layers of 1 to {MAX_WIDTH} "
            f"neurons, got {text!r}"
        )
    return widths


def settings(parameters: Parameters) -> dict[str, Any]:
    """The estimator's keyword arguments from the job's parameters."""
    return {
        "hidden_layer_sizes": hidden_layers(
            parameters.str_param("hidden_layer_sizes")
        ),
        "activation": parameters.str_param("activation"),
        "alpha": parameters.float_param("alpha"),
        "learning_rate_init": parameters.float_param("learning_rate_init"),
        "max_iter": parameters.int_param("max_iter"),
        "random_state": seed(parameters),
    }


def estimator(parameters: Parameters, classification: bool) -> Pipeline:
    """The unfitted, scaled model these parameters ask for (AutoML's portfolio fits it too)."""
    return scaled((MLPClassifier if classification else MLPRegressor)(**settings(parameters)))


def fit(data: TrainingData) -> Pipeline:
    return estimator(data.inputs.parameters, data.is_classification).fit(data.X, data.y)


def describe(pipeline: Pipeline, data: TrainingData) -> dict[str, Any]:
    network = pipeline[-1]
    return {
        "parameters": settings(data.inputs.parameters),
        "classes": network.classes_.tolist() if data.is_classification else None,
        "layer_sizes": [len(data.feature_names), *network.hidden_layer_sizes,
                        int(network.n_outputs_)],
        "output_activation": network.out_activation_,
        "n_iter": int(network.n_iter_),
        # Whether the loss stopped improving before max_iter (else scikit-learn warns).
        "converged": int(network.n_iter_) < network.max_iter,
        "loss": float(network.loss_),
        "scaling": scaling_of(pipeline, data.feature_names),
    }


HANDLERS = predictive_handlers(PredictiveAlgorithm(fit=fit, describe=describe, pfa=mlp_pfa))
