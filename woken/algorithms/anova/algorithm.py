"""Analysis of variance of a real target by nominal factors (covariables and grouping).

For each factor, its one-way table and the mean of the target in each of its
groups; with two factors or more, also the type II table of the model with all
their main effects (see `tables`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from woken.algorithms.anova.tables import one_way, type_ii
from woken.algorithms.common.encoding import FeatureEncoder
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.factors import group_masks, nominal_factors
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler


def anova(inputs: JobInputs) -> dict[str, Any]:
    target = inputs.target
    if not target.is_numeric:
        raise InputError(f"ANOVA needs a numeric variable; '{target.code}' is {target.type}")
    factors = nominal_factors(inputs, minimum=1)
    if len(inputs.table) < 2:
        raise InputError(f"ANOVA needs at least 2 rows, {inputs.table.source} has "
                         f"{len(inputs.table)}")
    y = inputs.table.numeric(target)
    one_way_tables = []
    for factor in factors:
        masks = group_masks(inputs.table, factor)
        groups = [
            {"code": category, "label": factor.label_of(category), "count": int(rows.sum()),
             "mean": float(y[rows].mean()) if rows.any() else None,
             "std": float(y[rows].std(ddof=1)) if rows.sum() > 1 else None}
            for category, rows in masks.items()
        ]
        one_way_tables.append({"factor": factor.code, "label": factor.label, "groups": groups,
                               "table": one_way(factor.code, y, list(masks.values()))})
    coded = {
        f.code: FeatureEncoder((f,), drop_first=True).encode(inputs.table) for f in factors
    }
    return {
        "target": target.code,
        "n": len(y),
        "mean": float(np.mean(y)),
        "one_way": one_way_tables,
        "type_ii": type_ii(y, coded) if len(factors) > 1 else None,
    }


def compute(volume: Path) -> Result:
    return Result(Shape.JSON, anova(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
