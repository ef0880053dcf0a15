"""The one result a command writes: ``results/<command>.json`` = {shape, data, error}.

Shapes are the contract's 2017 names (§4), which Woken stores as they are in
``job_result.shape``; a shape the 2017 list did not have (plotly) has only its
2019 media type (woken-messages ``Shapes.scala``). Data is written by
`to_jsonable`'s rules: numpy numbers become JSON numbers and NaN or infinity
become ``null`` (JSON has neither, and Woken's reader must not choke on a bare
``NaN``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from woken.algorithms.common import json_text
from woken.algorithms.common.volume import result_path, write_atomically, write_json_atomically


class Shape(StrEnum):
    """The media types of a result, by their 2017 names (contract §4) where they have one.

    A result says what it is: a model that is not a PFA document is ``json``.
    """

    ERROR = "error"
    JSON = "json"
    PFA_JSON = "pfa_json"
    PFA_YAML = "pfa_yaml"
    TABULAR_DATA_RESOURCE_JSON = "tabular_data_resource_json"
    HIGHCHARTS_JSON = "highcharts_json"
    PLOTLY_JSON = "application/vnd.plotly.v1+json"
    HTML = "html"
    SVG = "svg"
    PNG = "png"
    TEXT = "text"
    PYTHON_PICKLE = "python_pickle"


@dataclass(frozen=True)
class Result:
    """What a command hands the runner to write; ``data`` must be JSON-able after `to_jsonable`."""

    shape: Shape
    data: Any


def to_jsonable(value: Any) -> Any:
    """A copy of ``value`` made of JSON types only (NaN and infinities become None)."""
    # The exact built-in types first, by a dictionary lookup: a result holds thousands
    # of numbers, and `isinstance` against the abstract `Mapping` costs far more.
    convert = _BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, Mapping):
        return _mapping(value)
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot write a {type(value).__name__} into a JSON result: {value!r}")


def json_bytes(value: Any) -> bytes:
    """``value`` as JSON by `to_jsonable`'s rules.

    orjson applies those rules itself, in C (a k-NN model's codebook of 100,000
    numbers took 0.18 s through `to_jsonable`); what it refuses (an object array, an
    integer beyond 64 bits) goes item by item, or gets `to_jsonable`'s error naming it.
    """
    try:
        return json_text.dumps(value)
    except json_text.EncodeError:
        return json_text.dumps(to_jsonable(value))


def _mapping(value: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): to_jsonable(v) for k, v in value.items()}


def _sequence(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [to_jsonable(v) for v in value]


def _float(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _same(value: Any) -> Any:
    return value


def _array(value: np.ndarray) -> list[Any]:
    """An array of numbers in one C call (`tolist` gives Python numbers), else item by item."""
    kind = value.dtype.kind
    if value.ndim and (kind in "biu" or (kind == "f" and bool(np.isfinite(value).all()))):
        return list(value.tolist())
    return [to_jsonable(v) for v in value]


_BY_TYPE: dict[type, Any] = {
    dict: _mapping, list: _sequence, tuple: _sequence, float: _float, np.ndarray: _array,
    str: _same, int: _same, bool: _same, type(None): _same,
}


def write_result(volume: Path, command: str, result: Result) -> Path:
    """Write a success result atomically; returns the file's path."""
    path = result_path(volume, command)
    write_atomically(path, json_bytes({"shape": str(result.shape), "data": result.data,
                                       "error": None}))
    return path


def write_error(volume: Path, command: str, message: str) -> Path:
    """Write an error result atomically: shape ``error``, the message in ``error``."""
    path = result_path(volume, command)
    write_json_atomically(path, {"shape": str(Shape.ERROR), "data": None, "error": message})
    return path
