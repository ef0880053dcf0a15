"""The chosen pipeline as ONNX, for a model PFA cannot express (issue 25).

`compute` (the model an experiment keeps) converts the fitted pipeline with skl2onnx, in
double precision, then checks it: onnxruntime must predict the training rows as the
pipeline does (the same classes; numbers within `TOLERANCE`). Only a checked model is
written (``model/model.onnx``); ``model/onnx.json`` says what was written, or which step
could not be converted and why, for Woken to answer a download with.

The ONNX model takes the rows as the container encodes them (input ``X``, doubles, one
column per covariable in ``feature_names`` order: a number, or a nominal variable's
category index in its metadata's order; NaN where a value is missing) and answers
``label`` (the target's own class codes, or the predicted number) and, for a classifier,
``probabilities`` (one column per class of ``classes``).

Facts of skl2onnx 1.20 this is written around (measured here): its SimpleImputer converter
miscounts the columns of ``add_indicator``, and it gives the identity FunctionTransformer
(a fitted ColumnTransformer's passthrough remainder) no shape; every pipeline's preparation
step has both, so a converter of our own writes the whole step. onnxruntime evaluates no
tree ensemble in double precision: random forests, extra trees and gradient boosting run
in single precision (as scikit-learn's trees read their input), which the check then
accepts or refuses; histogram gradient boosting does not convert, and is refused, named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TransformerMixin,
    clone,
)

from woken.algorithms.common.model_store import model_path
from woken.algorithms.common.volume import write_json_atomically

ONNX_FILE = "model.onnx"
STATUS_FILE = "onnx.json"
# How far onnxruntime's numbers (probabilities, a regression's predictions) may be from the
# pipeline's on the rows it is checked on.
TOLERANCE = 1e-6
OPSET = {"": 17, "ai.onnx.ml": 3}


class NotConvertible(Exception):
    """A step of the pipeline that ONNX cannot express exactly (named in the message)."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"step {step}: {reason}")
        self.step = step


@dataclass(frozen=True)
class Export:
    """The ONNX bytes (None: refused) and what ``onnx.json`` says of them."""

    onnx: bytes | None
    status: dict[str, Any]


def export(pipeline: Any, classes: list[str] | None, X: npt.NDArray[np.float64]) -> Export:
    """The fitted pipeline as checked ONNX, or the refusal naming the step that stops it."""
    try:
        onnx = _convert(pipeline, X.shape[1], classes)
        _check(onnx, pipeline, classes, X)
    except NotConvertible as refused:
        return Export(None, {"exportable": False, "step": refused.step, "reason": str(refused)})
    return Export(onnx, {
        "exportable": True, "file": ONNX_FILE, "input": "X",
        "outputs": ["label", "probabilities"] if classes is not None else ["label"],
        "classes": classes, "checked_rows": len(X), "tolerance": TOLERANCE,
        "opset": OPSET,
    })


def write(volume: Path, result: Export) -> dict[str, Any]:
    """``model/model.onnx`` (when exportable) and ``model/onnx.json``; returns the latter."""
    folder = model_path(volume).parent
    if result.onnx is not None:
        (folder / ONNX_FILE).write_bytes(result.onnx)
    write_json_atomically(folder / STATUS_FILE, result.status)
    return result.status


def _convert(pipeline: Any, n_columns: int, classes: list[str] | None) -> bytes:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType

    _register()
    for path, step in _leaves(pipeline):
        if not _in_preparation(path):
            _check_leaf(path, _wrapped(step))
    wrapped = _wrapped(pipeline)
    options = {id(wrapped): {"zipmap": False}} if classes is not None else None
    try:
        model = convert_sklearn(wrapped, initial_types=[("X", DoubleTensorType([None, n_columns]))],
                                options=options, target_opset=OPSET)
    except Exception as error:
        raise NotConvertible(type(pipeline).__name__, _short(error)) from None
    if classes is not None:
        _decode_labels(model, classes)
    return bytes(model.SerializeToString())


def _check_leaf(path: str, step: Any) -> None:
    """Convert one fitted step alone and run it: a step skl2onnx or onnxruntime refuses is named."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType

    width = getattr(getattr(step, "model", step), "n_features_in_", None)
    if width is None:
        return  # a step that was never fitted on its own (a container's part) is checked whole
    options = {id(step): {"zipmap": False}} if hasattr(step, "classes_") else None
    try:
        model = convert_sklearn(step, initial_types=[("X", DoubleTensorType([None, width]))],
                                options=options, target_opset=OPSET)
    except Exception as error:
        raise NotConvertible(path, f"skl2onnx cannot convert it ({_short(error)})") from None
    try:
        _session(model.SerializeToString()).run(None, {"X": np.zeros((1, width))})
    except Exception as error:
        raise NotConvertible(
            path, f"onnxruntime cannot run its conversion in double precision ({_short(error)})"
        ) from None


def _check(onnx: bytes, pipeline: Any, classes: list[str] | None,
           X: npt.NDArray[np.float64]) -> None:
    """Refuse the model unless onnxruntime predicts ``X`` as the pipeline does."""
    name = type(pipeline).__name__
    try:
        outputs = _session(onnx).run(None, {"X": np.asarray(X, dtype=np.float64)})
    except Exception as error:
        raise NotConvertible(name, f"onnxruntime cannot run the conversion ({_short(error)})"
                             ) from None
    trees = sorted({type(s).__name__ for _, s in _leaves(pipeline)} & set(IN_FLOAT))
    if trees:  # the likely cause of a gap: name them
        name += f" (its {', '.join(trees)} summed in single precision)"
    if classes is None:
        gap = float(np.max(np.abs(np.ravel(outputs[0]) - pipeline.predict(X)), initial=0.0))
        if not gap <= TOLERANCE:
            raise NotConvertible(name, f"onnxruntime's predictions differ from the pipeline's "
                                       f"by up to {gap:.3g} on the training rows")
        return
    expected = np.asarray(classes, dtype=object)[np.asarray(pipeline.predict(X), dtype=np.int64)]
    differ = int(np.sum(np.asarray(outputs[0], dtype=object) != expected))
    gap = float(np.max(np.abs(outputs[1] - pipeline.predict_proba(X)), initial=0.0))
    if differ or not gap <= TOLERANCE:
        raise NotConvertible(name, f"onnxruntime predicts {differ} of {len(X)} training rows "
                                   f"differently (probabilities up to {gap:.3g} apart)")


def _session(onnx: bytes) -> Any:
    import onnxruntime

    return onnxruntime.InferenceSession(onnx, providers=["CPUExecutionProvider"])


def _decode_labels(model: Any, classes: list[str]) -> None:
    """The label output as the target's class codes: the pipeline predicts their indices."""
    from onnx import helper

    graph = model.graph
    label = graph.output[0]
    index_name = label.name + "_index"
    for node in graph.node:
        node.output[:] = [index_name if o == label.name else o for o in node.output]
    graph.node.append(helper.make_node(
        "LabelEncoder", [index_name], [label.name], domain="ai.onnx.ml",
        keys_int64s=list(range(len(classes))), values_strings=classes, default_string=""))
    label.type.tensor_type.elem_type = 8  # onnx.TensorProto.STRING
    # LabelEncoder's integer keys are of ai.onnx.ml 2 on.
    ml = next((o for o in model.opset_import if o.domain == "ai.onnx.ml"), None)
    if ml is None:
        model.opset_import.append(helper.make_opsetid("ai.onnx.ml", 2))
    elif ml.version < 2:
        ml.version = 2


def _leaves(step: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every fitted estimator of a pipeline, ensemble or column transformer, with its path."""
    here = path or type(step).__name__
    parts: list[tuple[str, Any]] = []
    if hasattr(step, "steps"):
        parts = list(step.steps)
    elif hasattr(step, "transformers_"):
        parts = [(name, part) for name, part, _ in step.transformers_
                 if part not in ("drop", "passthrough")]
    elif hasattr(step, "estimators_") and hasattr(step, "estimators"):
        parts = [(name, part) for (name, _), part in zip(step.estimators, step.estimators_,
                                                         strict=False)]
    elif hasattr(step, "transformer_list"):
        parts = list(step.transformer_list)
    if not parts:
        yield here, step
        return
    for name, part in parts:
        yield from _leaves(part, f"{here} > {name} ({type(part).__name__})")


def _in_preparation(path: str) -> bool:
    """A leaf of a preparation step (a ColumnTransformer): converted by `_emit`, not skl2onnx."""
    return "(ColumnTransformer)" in path or path.startswith("ColumnTransformer")


def _without_flattening(vote: Any) -> Any:
    """A fitted copy of a vote, as skl2onnx takes it.

    It refuses a soft vote's ``flatten_transform`` (which only shapes ``transform``, never a
    prediction), and sums the weights as an array.
    """
    copy = clone(vote)
    copy.__dict__.update({k: v for k, v in vote.__dict__.items() if k.endswith("_")})
    if getattr(copy, "voting", None) == "soft":
        copy.flatten_transform = False
    if copy.weights is not None:  # skl2onnx sums them as an array
        copy.weights = np.asarray(copy.weights, dtype=np.float64)
    return copy


def _short(error: Exception) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__


_REGISTERED = False


class _InFloat(BaseEstimator):
    """A fitted tree ensemble run in single precision, for its own converter (`_trees_converter`).

    onnxruntime evaluates no tree ensemble in double precision; scikit-learn's trees read
    their input as float32 themselves, so the same comparisons are made in single
    precision; the sums of their leaves are then cast back. The check on the training rows
    (`_check`) still decides: a mismatch refuses the model.
    """

    def __init__(self, model: Any) -> None:
        self.model = model

    def __sklearn_tags__(self) -> Any:
        return self.model.__sklearn_tags__()


class _ClassifierInFloat(ClassifierMixin, _InFloat):
    @property
    def classes_(self) -> Any:
        return self.model.classes_


class _RegressorInFloat(RegressorMixin, _InFloat):
    pass


# Tree ensembles that skl2onnx converts in single precision (its converter of histogram
# gradient boosting fails in either precision: those are refused, named).
IN_FLOAT = ("RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier",
            "ExtraTreesRegressor", "GradientBoostingClassifier", "GradientBoostingRegressor",
            "DecisionTreeClassifier", "DecisionTreeRegressor")


class PreparedColumns(TransformerMixin, BaseEstimator):
    """A fitted preparation step (`prepare`) under a name of its own, for its own converter.

    skl2onnx cannot convert the preparation as it is: its SimpleImputer converter miscounts
    the ``add_indicator`` columns, and it parses a ColumnTransformer behind another step
    before that step's width is known. Its converter (`_prepare_converter`) writes the
    whole step, whose every part is known once fitted, with plain ONNX operators.
    """

    def __init__(self, step: Any) -> None:
        self.step = step
        self.width = int(step.transform(np.zeros((1, step.n_features_in_))).shape[1])

    def fit(self, X: Any, y: Any = None) -> PreparedColumns:
        return self

    def transform(self, X: Any) -> Any:
        return self.step.transform(X)


def _wrapped(step: Any) -> Any:
    """The pipeline with every fitted preparation step wrapped (see `PreparedColumns`)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    if isinstance(step, ColumnTransformer):
        return PreparedColumns(step)
    if type(step).__name__ in IN_FLOAT:
        return (_ClassifierInFloat if hasattr(step, "classes_") else _RegressorInFloat)(step)
    if isinstance(step, Pipeline):
        return Pipeline([(name, _wrapped(part)) for name, part in step.steps])
    if hasattr(step, "estimators_") and hasattr(step, "estimators"):
        copy = _without_flattening(step)
        copy.estimators_ = [_wrapped(part) for part in step.estimators_]
        return copy
    return step


def _register() -> None:
    """The converter of `PreparedColumns`, registered once."""
    global _REGISTERED
    if _REGISTERED:
        return
    from skl2onnx import update_registered_converter

    update_registered_converter(PreparedColumns, "WokenPreparedColumns", _prepare_shape,
                                _prepare_converter)
    update_registered_converter(_ClassifierInFloat, "WokenClassifierInFloat", _trees_shape,
                                _trees_converter, options={"zipmap": [False, True]})
    update_registered_converter(_RegressorInFloat, "WokenRegressorInFloat", _trees_shape,
                                _trees_converter)
    _REGISTERED = True


def _trees_shape(operator: Any) -> None:
    from skl2onnx.common.data_types import DoubleTensorType, Int64TensorType

    model = operator.raw_operator.model
    if hasattr(model, "classes_"):
        operator.outputs[0].type = Int64TensorType([None])
        operator.outputs[1].type = DoubleTensorType([None, len(model.classes_)])
    else:
        operator.outputs[0].type = DoubleTensorType([None, 1])


def _trees_converter(scope: Any, operator: Any, container: Any) -> None:
    from onnx import TensorProto
    from skl2onnx.algebra.onnx_operator import OnnxSubEstimator
    from skl2onnx.algebra.onnx_ops import OnnxCast, OnnxIdentity
    from skl2onnx.common.data_types import FloatTensorType

    model = operator.raw_operator.model
    version = container.target_opset
    as_float = OnnxCast(operator.inputs[0], to=TensorProto.FLOAT, op_version=version)
    types = [FloatTensorType([None, int(model.n_features_in_)])]
    if not hasattr(model, "classes_"):
        sub = OnnxSubEstimator(model, as_float, op_version=version, input_types=types)
        OnnxCast(sub, to=TensorProto.DOUBLE, op_version=version,
                 output_names=[operator.outputs[0].full_name]).add_to(scope, container)
        return
    sub = OnnxSubEstimator(model, as_float, op_version=version, options={"zipmap": False},
                           input_types=types)
    OnnxIdentity(sub[0], op_version=version,
                 output_names=[operator.outputs[0].full_name]).add_to(scope, container)
    OnnxCast(sub[1], to=TensorProto.DOUBLE, op_version=version,
             output_names=[operator.outputs[1].full_name]).add_to(scope, container)


def _prepare_shape(operator: Any) -> None:
    operator.outputs[0].type = operator.inputs[0].type.__class__(
        [None, operator.raw_operator.width])


def _prepare_converter(scope: Any, operator: Any, container: Any) -> None:
    from skl2onnx.algebra.onnx_ops import OnnxIdentity

    version = container.target_opset
    output, _ = _emit(operator.raw_operator.step, operator.inputs[0], version)
    OnnxIdentity(output, op_version=version,
                 output_names=[operator.outputs[0].full_name]).add_to(scope, container)


def _emit(step: Any, X: Any, version: int) -> tuple[Any, int]:
    """The ONNX of one fitted part of a preparation step on input ``X``, and its width."""
    from onnx import TensorProto
    from skl2onnx.algebra.onnx_ops import (
        OnnxCast,
        OnnxConcat,
        OnnxEqual,
        OnnxGather,
        OnnxIsNaN,
        OnnxWhere,
    )
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    def columns(indices: Any) -> Any:
        return OnnxGather(X, np.asarray(indices, dtype=np.int64), axis=1, op_version=version)

    def as_double(flags: Any) -> Any:
        return OnnxCast(flags, to=TensorProto.DOUBLE, op_version=version)

    if isinstance(step, Pipeline):
        width = 0
        for _, part in step.steps:
            X, width = _emit(part, X, version)
        return X, width
    if isinstance(step, ColumnTransformer):
        parts = []
        for _, part, indices in step.transformers_:
            if (isinstance(part, str) and part == "drop") or len(indices) == 0:
                continue
            selected = columns(indices)
            parts.append(selected if isinstance(part, str) and part == "passthrough"
                         else _emit(part, selected, version))
        outputs = [p[0] if isinstance(p, tuple) else p for p in parts]
        width = sum(p[1] if isinstance(p, tuple) else 0 for p in parts)
        return OnnxConcat(*outputs, axis=1, op_version=version), width
    if isinstance(step, SimpleImputer):
        missing = OnnxIsNaN(X, op_version=version)
        filled = OnnxWhere(missing, step.statistics_.astype(np.float64).reshape(1, -1), X,
                           op_version=version)
        width = len(step.statistics_)
        indicator = step.indicator_
        if indicator is None or not len(indicator.features_):
            return filled, width
        flags = as_double(OnnxGather(missing, np.asarray(indicator.features_, dtype=np.int64),
                                     axis=1, op_version=version))
        return (OnnxConcat(filled, flags, axis=1, op_version=version),
                width + len(indicator.features_))
    if isinstance(step, OneHotEncoder) and step.drop is None:
        # handle_unknown="ignore": an unknown category is all zeros, as Equal gives.
        indicators = [
            as_double(OnnxEqual(columns([n]), np.asarray(categories, dtype=np.float64)
                                .reshape(1, -1), op_version=version))
            for n, categories in enumerate(step.categories_)]
        return (OnnxConcat(*indicators, axis=1, op_version=version),
                sum(len(c) for c in step.categories_))
    if isinstance(step, FunctionTransformer) and step.func is None:
        return X, int(step.n_features_in_)
    raise NotConvertible(type(step).__name__, "no ONNX form in the preparation step")
