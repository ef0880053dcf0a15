"""The multi-layer perceptron as PFA: standardized features through each layer's weights.

Each layer is ``activation(W . h + b)`` with the network's hidden activation,
the last one without it. A regression's output is the last layer's one value;
a classification applies the network's output function (logistic for two
classes, softmax for more) and predicts as scikit-learn does: the second class
when the logistic is above 0.5, else the class of the highest probability.
"""

from __future__ import annotations

from typing import Any

from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.predictive import TrainingData

LAYER = pfa.record("Layer", {"weights": pfa.array_of(pfa.DOUBLE_ARRAY), "bias": pfa.DOUBLE_ARRAY})
# scikit-learn's hidden activations as PFA functions of one double.
ACTIVATIONS: dict[str, Any] = {
    "relu": {"m.link.relu": ["z"]},
    "tanh": {"m.tanh": ["z"]},
    "logistic": {"m.link.logit": ["z"]},
    "identity": "z",
}
HIDDEN = "h"


def _layer(index: int) -> dict[str, Any]:
    """``W . h + b`` of layer ``index``."""
    return {"la.add": [{"la.dot": [pfa.cell("neuralnet", index, "weights"), HIDDEN]},
                       pfa.cell("neuralnet", index, "bias")]}


def mlp_pfa(pipeline: Any, data: TrainingData) -> PfaModel:
    scaler, network = pipeline[0], pipeline[-1]
    layers = [{"weights": weights.T.tolist(), "bias": bias.tolist()}
              for weights, bias in zip(network.coefs_, network.intercepts_, strict=True)]
    cells = {"neuralnet": pfa.cell_spec(pfa.array_of(LAYER), layers)}
    activation = pfa.fcn({"z": "double"}, "double", ACTIVATIONS[network.activation])
    action: list[Any] = [pfa.let(HIDDEN, ROW)]
    action.extend({"set": {HIDDEN: {"a.map": [_layer(index), activation]}}}
                  for index in range(len(layers) - 1))
    action.append(pfa.let("out", _layer(len(layers) - 1)))
    scaling = (scaler.mean_.tolist(), scaler.scale_.tolist())
    if not data.is_classification:
        return PfaModel(name="sgdNeuralNetwork", output="double", cells=cells, scaling=scaling,
                        action=[*action, {"attr": "out", "path": [0]}])
    cells["classes"] = pfa.cell_spec(pfa.STRING_ARRAY, network.classes_.tolist())
    if network.out_activation_ == "logistic":
        second = {">": [{"m.link.logit": [{"attr": "out", "path": [0]}]}, 0.5]}
        choice: Any = pfa.cell("classes", {"if": second, "then": [1], "else": [0]})
    else:
        choice = pfa.argmax_of("classes", {"m.link.softmax": ["out"]})
    return PfaModel(name="sgdNeuralNetwork", output="string", cells=cells, scaling=scaling,
                    action=[*action, choice])
