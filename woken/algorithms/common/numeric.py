"""The numeric variables of a job as one matrix: the input of correlation, PCA, t-SNE, k-means.

These algorithms treat the variable and the covariables alike, as columns of
one matrix; a nominal variable has no place in it and is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.variables import Variable, codes_are


@dataclass(frozen=True)
class NumericData:
    """The numeric variables of a job and their values, one matrix column per variable."""

    variables: tuple[Variable, ...]
    # One row per data row, one column per variable, in `variables` order.
    X: npt.NDArray[np.float64]

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.variables]

    @property
    def labels(self) -> list[str]:
        return [v.label for v in self.variables]

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])


def numeric_data(inputs: JobInputs, min_variables: int = 1, min_rows: int = 1) -> NumericData:
    """Targets, covariables and grouping variables, all numeric, as a matrix of floats."""
    variables = inputs.all_variables
    name = inputs.algorithm or "this algorithm"
    nominal = [v.code for v in variables if v.is_nominal]
    if nominal:
        raise InputError(f"{name} works on numeric variables only; {codes_are(nominal)} nominal")
    if len(variables) < min_variables:
        raise InputError(f"{name} needs at least {min_variables} variables, got {len(variables)}")
    if len(inputs.table) < min_rows:
        raise InputError(
            f"{name} needs at least {min_rows} rows, {inputs.table.source} has {len(inputs.table)}"
        )
    X = np.column_stack([inputs.table.numeric(v) for v in variables])
    return NumericData(variables=variables, X=X)
