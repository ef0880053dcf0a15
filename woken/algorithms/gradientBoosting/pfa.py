"""Gradient boosting as PFA: the initial raw score plus the learning rate times each tree.

Each tree is walked with ``model.tree.simpleWalk``. scikit-learn compares a
feature with its threshold after rounding the feature to float32; the document
compares the double itself with the bound that gives the same answer
(`float32_bound`), so that every row goes down the same branch. A regression is
the raw score; two classes are the second when the raw score is >= 0; more
classes are the class of the highest raw score (scikit-learn's ``predict``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.predictive import TrainingData

ROW_RECORD = pfa.record("Row", {"values": pfa.DOUBLE_ARRAY})
TREE = pfa.record("TreeNode", {"feature": "int", "value": "double",
                               "pass": ["double", "TreeNode"], "fail": ["double", "TreeNode"]})


def float32_bound(threshold: float) -> float:
    """The double b such that ``x < b`` exactly when ``float32(x) <= threshold``."""
    below = np.float32(threshold)
    if float(below) > threshold:
        below = np.nextafter(below, np.float32(-np.inf))
    above = np.nextafter(below, np.float32(np.inf))
    middle = (float(below) + float(above)) / 2  # exact in double
    # A double exactly halfway rounds to the float32 with an even mantissa.
    if int(below.view(np.uint32)) % 2 == 0:
        return float(np.nextafter(middle, np.inf))  # x <= middle goes below
    return middle


def _tree(tree: Any, node: int = 0) -> dict[str, Any]:
    """A fitted tree as nested TreeNode records (Avro's JSON for a union is tagged)."""
    left, right = tree.children_left[node], tree.children_right[node]
    if left == -1:
        return {"double": float(tree.value[node].ravel()[0])}
    return {"TreeNode": {
        "feature": int(tree.feature[node]),
        "value": float32_bound(float(tree.threshold[node])),
        "pass": _tree(tree, left),
        "fail": _tree(tree, right),
    }}


def _sum_of_trees(trees: Any) -> dict[str, Any]:
    """The learning rate times the sum of the trees' values at the row."""
    goes_left = pfa.fcn(
        {"d": "Row", "t": "TreeNode"}, "boolean",
        {"<": [pfa.attr("d", "values", pfa.attr("t", "feature")), pfa.attr("t", "value")]})
    walk = pfa.fcn({"tree": "TreeNode"}, "double",
                   {"model.tree.simpleWalk": ["row", "tree", goes_left]})
    return {"*": [pfa.cell("learningRate"), {"a.sum": [{"a.map": [trees, walk]}]}]}


def _root(tree: Any) -> dict[str, Any]:
    """The root node; a tree that is one leaf becomes a split whose two sides are that leaf."""
    node = _tree(tree)
    if "TreeNode" in node:
        return dict(node["TreeNode"])
    return {"feature": 0, "value": 0.0, "pass": node, "fail": node}


def gradient_boosting_pfa(model: Any, data: TrainingData) -> PfaModel:
    stages = model.estimators_  # (n_stages, K) regression trees
    trees = [[_root(stages[s, k].tree_) for s in range(stages.shape[0])]
             for k in range(stages.shape[1])]
    init = model._raw_predict_init(np.zeros((1, model.n_features_in_)))[0].tolist()
    cells = {
        "learningRate": pfa.cell_spec("double", float(model.learning_rate)),
        "priors": pfa.cell_spec(pfa.DOUBLE_ARRAY, [float(v) for v in init]),
        "classesTrees": pfa.cell_spec(pfa.array_of(pfa.array_of(TREE)), trees),
    }
    action: list[Any] = [
        pfa.let("row", {"new": {"values": ROW}, "type": ROW_RECORD}),
        pfa.let("raw", {"a.mapWithIndex": [pfa.cell("classesTrees"), pfa.fcn(
            {"k": "int", "trees": pfa.array_of("TreeNode")}, "double",
            {"+": [pfa.cell("priors", pfa.Var("k")), _sum_of_trees("trees")]})]}),
    ]
    if not data.is_classification:
        return PfaModel(name="gradientBoosting", output="double", cells=cells,
                        action=[*action, {"attr": "raw", "path": [0]}])
    cells["classes"] = pfa.cell_spec(pfa.STRING_ARRAY, model.classes_.tolist())
    if len(model.classes_) == 2:
        choice: Any = pfa.cell("classes", {"if": {">=": [{"attr": "raw", "path": [0]}, 0.0]},
                                           "then": [1], "else": [0]})
    else:
        choice = pfa.argmax_of("classes", "raw")
    return PfaModel(name="gradientBoosting", output="string", cells=cells,
                    action=[*action, choice])
