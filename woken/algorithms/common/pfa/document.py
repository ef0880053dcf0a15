"""A PFA document from a model's cells and action: the input record, encoding, scaling.

The input record has one field per covariable, named by its code: ``double`` for
a numeric variable, ``string`` for a nominal one (its category code). The action
first builds ``x``, the encoded row, exactly as `FeatureEncoder` encodes it
(numbers as they are, one indicator per category of a nominal variable, the first
one left out when the model drops it), then standardizes it with the scaler's
means and scales when the model was fitted on standardized features, then runs
the model's own expressions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from woken.algorithms.common.encoding import FeatureEncoder
from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.results import json_bytes
from woken.algorithms.common.variables import Variable

INPUT = "Input"
# The encoded (and standardized) row every model's action reads.
ROW = "x"
SCALE_MEAN, SCALE_STD = "scaleMean", "scaleStd"


@dataclass(frozen=True)
class PfaModel:
    """What an algorithm adds to the document: its cells, its action after ``x``, its output."""

    name: str
    output: Any
    cells: dict[str, dict[str, Any]]
    action: list[Any]
    # The scaler's means and scales, one per encoded feature, when the model needs them.
    scaling: tuple[Sequence[float], Sequence[float]] | None = None
    fcns: dict[str, Any] = field(default_factory=dict)


def input_type(variables: Sequence[Variable]) -> dict[str, Any]:
    """The input record: a string field for a nominal variable, a double for a numeric one."""
    return pfa.record(INPUT, {v.code: "string" if v.is_nominal else "double" for v in variables})


def _indicators(variable: Variable, categories: Sequence[str]) -> dict[str, Any]:
    """The one-hot columns of a nominal field: 1.0 where its value is the category."""
    value = pfa.attr("input", variable.code)
    return {"a.map": [pfa.literal(list(categories), pfa.STRING_ARRAY),
                      pfa.fcn({"category": "string"}, "double",
                              {"if": {"==": ["category", value]}, "then": [1.0], "else": [0.0]})]}


def encoded_row(encoder: FeatureEncoder) -> dict[str, Any]:
    """``x``: the features of the input record as the encoder lays them out."""
    parts: list[Any] = []
    for variable in encoder.variables:
        if variable.is_nominal:
            categories = variable.categories[1:] if encoder.drop_first else variable.categories
            parts.append(_indicators(variable, categories))
        else:
            parts.append({"new": [{"cast.double": [pfa.attr("input", variable.code)]}],
                          "type": pfa.DOUBLE_ARRAY})
    return {"a.flatten": [{"new": parts, "type": pfa.array_of(pfa.DOUBLE_ARRAY)}]}


def _standardized() -> dict[str, Any]:
    """``x`` minus the training means, divided by the scales (StandardScaler's transform)."""
    i = pfa.Var("i")
    return {"a.mapWithIndex": [ROW, pfa.fcn(
        {"i": "int", "v": "double"}, "double",
        {"/": [{"-": ["v", pfa.cell(SCALE_MEAN, i)]}, pfa.cell(SCALE_STD, i)]})]}


def pfa_document(model: PfaModel, encoder: FeatureEncoder,
                 description: Mapping[str, Any]) -> dict[str, Any]:
    """The whole document; ``description`` goes into ``metadata`` as JSON texts."""
    cells = dict(model.cells)
    action: list[Any] = [pfa.let(ROW, encoded_row(encoder))]
    if model.scaling is not None:
        mean, std = model.scaling
        cells[SCALE_MEAN] = pfa.cell_spec(pfa.DOUBLE_ARRAY, [float(v) for v in mean])
        cells[SCALE_STD] = pfa.cell_spec(pfa.DOUBLE_ARRAY, [float(v) for v in std])
        action.append({"set": {ROW: _standardized()}})
    document: dict[str, Any] = {
        "name": model.name,
        "method": "map",
        "input": input_type(encoder.variables),
        "output": model.output,
        "cells": cells,
        "action": [*action, *model.action],
        "metadata": {key: json_bytes(value).decode("utf-8") for key, value in
                     description.items()},
    }
    if model.fcns:
        document["fcns"] = model.fcns
    return document


def is_pfa(document: Any) -> bool:
    """Whether a model result is a PFA document (as opposed to a plain JSON description)."""
    return isinstance(document, Mapping) and "action" in document and "input" in document


def model_description(document: Any) -> Any:
    """What the model says about itself: the decoded metadata of a PFA document, else itself."""
    if not is_pfa(document):
        return document
    return {key: json.loads(text) for key, text in document.get("metadata", {}).items()}
