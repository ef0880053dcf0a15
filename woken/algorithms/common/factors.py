"""Nominal variables used as factors: split the rows into one group per category.

Statistics that compare groups (ANOVA, histograms by group) take their
covariables and grouping variables as factors. Groups follow the metadata's
enumerations, so a category with no rows still appears, with a count of 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.table import Table
from woken.algorithms.common.variables import Variable, codes_are


def nominal_factors(inputs: JobInputs, minimum: int = 0) -> tuple[Variable, ...]:
    """The covariables and grouping variables, all of which must be nominal."""
    factors = inputs.features
    numeric = [v.code for v in factors if not v.is_nominal]
    if numeric:
        raise InputError(
            f"{inputs.algorithm or 'this algorithm'} groups rows by nominal variables only; "
            f"{codes_are(numeric)} numeric"
        )
    if len(factors) < minimum:
        raise InputError(f"at least {minimum} nominal covariable(s) needed, got {len(factors)}")
    return factors


def group_masks(table: Table, factor: Variable) -> dict[str, npt.NDArray[np.bool_]]:
    """For each category of the factor, in metadata order, which rows belong to it."""
    levels = np.asarray(table.nominal(factor), dtype=np.str_)
    return {category: levels == category for category in factor.categories}
