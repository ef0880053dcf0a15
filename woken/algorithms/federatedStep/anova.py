"""anova's local steps: one-way group moments, and the cross-products of a design.

One-way (one nominal covariable): each group's count, mean and sum of squared
deviations. A design over several covariables (``additive``: main effects;
``factorial``: every interaction too): the cross-products ZᵀZ of Z = [1, the terms'
columns, y], from which the central fits every sub-model a type II table needs.
A group, or a cell of the nominal factors, with fewer rows than the site's cell
threshold is named in ``masked`` and no sum leaves: the central refuses, naming the site.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from woken.algorithms.common.errors import InputError
from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, as_json, moments

GROUPS, DESIGN = "anova.groups", "anova.design"
DESIGNS = ("factorial", "additive")


def local_groups(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    y = data.numeric(params["variables"][0])
    levels, index = data.indicator(params["covariables"][0])
    groups = []
    for k in range(len(levels)):
        n, mean, m2 = moments(y[index == k])
        groups.append(None if 0 < n < policy.min_cell_count else [n, mean, m2])
    return {"levels": levels, "groups": groups}


def design_terms(data: LocalData, factors: list[str], design: str
                 ) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Each term's columns and the factors it involves, main effects first.

    A nominal factor is coded against its first category; an interaction's columns are
    the products of its factors' columns (``a:b``), as the anova container builds them.
    """
    if design not in DESIGNS:
        raise InputError(f"design must be one of {', '.join(DESIGNS)}, got {design!r}")
    main = {code: data.dummies(code)[1] for code in factors}
    terms = {code: (columns, [code]) for code, columns in main.items()}
    if design == "factorial":
        for size in range(2, len(factors) + 1):
            for combination in itertools.combinations(factors, size):
                columns = main[combination[0]]
                for code in combination[1:]:
                    columns = np.einsum("ij,ik->ijk", columns, main[code]).reshape(
                        data.n, -1)
                terms[":".join(combination)] = (columns, list(combination))
    return terms


def small_cells(data: LocalData, factors: list[str], policy: Policy) -> list[str]:
    """The groups and the cells of the nominal factors under the cell threshold.

    Cells in either design: ZᵀZ pairs two factors' dummy columns, and so holds the
    count of rows in each cell, as an interaction's column does.
    """
    nominal = [code for code in factors if data.metas[code].is_nominal]
    small = []
    for size in range(1, len(nominal) + 1):
        for combination in itertools.combinations(nominal, size):
            indexed = [data.indicator(code) for code in combination]
            shape = tuple(len(levels) for levels, _ in indexed)
            cell = np.ravel_multi_index(tuple(index for _, index in indexed), shape)
            counts = np.bincount(cell, minlength=int(np.prod(shape)))
            for flat, count in enumerate(counts):
                if 0 < count < policy.min_cell_count:
                    position = np.unravel_index(flat, shape)
                    small.append(" & ".join(f"{code}={levels[i]}" for (levels, _), code, i
                                            in zip(indexed, combination, position, strict=True)))
    return small


def local_design(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    factors = list(params["covariables"])
    design = str(params["parameters"].get("design", DESIGNS[0]))
    terms = design_terms(data, factors, design)
    masked = small_cells(data, factors, policy)
    described = [{"term": name, "columns": int(columns.shape[1]), "involves": involves}
                 for name, (columns, involves) in terms.items()]
    if masked:
        return {"terms": described, "masked": masked}
    z = np.hstack([np.ones((data.n, 1)), *(columns for columns, _ in terms.values()),
                   data.numeric(params["variables"][0]).reshape(-1, 1)])
    return {"terms": described, "masked": [], "n": data.n, "cross_products": as_json(z.T @ z)}
