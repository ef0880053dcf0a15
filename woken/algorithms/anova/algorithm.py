"""Analysis of variance of a real target by its covariables and grouping variables.

For each nominal factor, its one-way table and the mean of the target in each of
its groups. The type II table (see `tables`) of the model with every term: each
variable's main effect (a nominal one coded against its first category, a
numeric one as it is) and, in the ``factorial`` design (2019's default), every
interaction between them; ``additive`` has main effects only. A single nominal
factor has its one-way table only.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from woken.algorithms.anova.tables import one_way, type_ii
from woken.algorithms.common.encoding import FeatureEncoder
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.factors import group_masks
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler
from woken.algorithms.common.variables import Variable

# 2^5 - 1 = 31 terms at most in a factorial design.
MAX_FACTORIAL = 5


def anova(inputs: JobInputs) -> dict[str, Any]:
    target = inputs.target
    if not target.is_numeric:
        raise InputError(f"ANOVA needs a numeric variable; '{target.code}' is {target.type}")
    factors = inputs.features
    if not factors:
        raise InputError("ANOVA needs at least 1 covariable or grouping variable")
    if len(factors) > MAX_FACTORIAL and inputs.str_param("design") == "factorial":
        raise InputError(f"a factorial design takes at most {MAX_FACTORIAL} variables "
                         f"({2 ** MAX_FACTORIAL - 1} terms); use design 'additive'")
    if len(inputs.table) < 2:
        raise InputError(f"ANOVA needs at least 2 rows, {inputs.table.source} has "
                         f"{len(inputs.table)}")
    y = inputs.table.numeric(target)
    one_way_tables = []
    for factor in (f for f in factors if f.is_nominal):
        masks = group_masks(inputs.table, factor)
        groups = [
            {"code": category, "label": factor.label_of(category), "count": int(rows.sum()),
             "mean": float(y[rows].mean()) if rows.any() else None,
             "std": float(y[rows].std(ddof=1)) if rows.sum() > 1 else None}
            for category, rows in masks.items()
        ]
        one_way_tables.append({"factor": factor.code, "label": factor.label, "groups": groups,
                               "table": one_way(factor.code, y, list(masks.values()))})
    terms = model_terms(inputs, factors, inputs.str_param("design"))
    single_factor = len(factors) == 1 and factors[0].is_nominal
    return {
        "target": target.code,
        "n": len(y),
        "mean": float(np.mean(y)),
        "one_way": one_way_tables,
        "design": inputs.str_param("design"),
        "type_ii": None if single_factor else type_ii(
            y, {name: columns for name, (columns, _) in terms.items()},
            {name: involved for name, (_, involved) in terms.items()}),
    }


def model_terms(inputs: JobInputs, factors: tuple[Variable, ...],
                design: str) -> dict[str, tuple[npt.NDArray[np.float64], frozenset[str]]]:
    """Each term's coded columns and the variables it involves, main effects first.

    An interaction's columns are the products of its variables' columns ("a:b").
    """
    main = {f.code: FeatureEncoder((f,), drop_first=True).encode(inputs.table) for f in factors}
    terms = {code: (columns, frozenset({code})) for code, columns in main.items()}
    if design != "factorial":
        return terms
    for size in range(2, len(factors) + 1):
        for combination in itertools.combinations([f.code for f in factors], size):
            columns = main[combination[0]]
            for code in combination[1:]:
                columns = np.einsum("ij,ik->ijk", columns, main[code]).reshape(len(columns), -1)
            terms[":".join(combination)] = (columns, frozenset(combination))
    return terms


def compute(volume: Path) -> Result:
    return Result(Shape.JSON, anova(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
