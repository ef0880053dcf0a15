"""From variables to a design matrix: numeric columns as they are, nominal ones one-hot.

The one-hot columns come from the metadata's enumerations, not from the values
seen in the rows: a category absent from the training rows still gets its
column, so the rows of `train` and of `test` always encode to the same columns.
The encoder holds no fitted state and is saved with the model for `test`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.table import Table
from woken.algorithms.common.variables import Variable


@dataclass(frozen=True)
class FeatureEncoder:
    """Encodes rows of the covariables as a design matrix, one-hot for nominal ones."""

    variables: tuple[Variable, ...]
    # Drop each nominal variable's first category (the reference level): a model with an
    # intercept needs it, else the one-hot columns sum to the intercept's column.
    drop_first: bool = False

    def __post_init__(self) -> None:
        if not self.variables:
            raise InputError("the model needs at least one covariable")

    def _categories(self, variable: Variable) -> tuple[str, ...]:
        return variable.categories[1:] if self.drop_first else variable.categories

    @property
    def feature_names(self) -> list[str]:
        """One name per encoded column: the code, or ``code=category`` for a one-hot column."""
        names: list[str] = []
        for variable in self.variables:
            if variable.is_nominal:
                names.extend(f"{variable.code}={c}" for c in self._categories(variable))
            else:
                names.append(variable.code)
        return names

    def encode(self, table: Table) -> npt.NDArray[np.float64]:
        """The design matrix of the table's rows, one column per feature name."""
        blocks: list[npt.NDArray[np.float64]] = []
        for variable in self.variables:
            if variable.is_nominal:
                blocks.append(one_hot(table.nominal(variable), self._categories(variable)))
            else:
                blocks.append(table.numeric(variable).reshape(-1, 1))
        return np.hstack(blocks) if blocks else np.empty((len(table), 0))


@dataclass(frozen=True)
class ColumnEncoder(FeatureEncoder):
    """One column per variable, missing values kept: for a model whose pipeline prepares them.

    A numeric variable is its values (NaN where missing); a nominal one is the index of
    its category in the metadata's enumerations (NaN where missing), which the model's
    own pipeline imputes and one-hot encodes (see `nominal_columns`). No row is refused
    for a missing covariable; a value outside the enumerations still is.
    """

    @property
    def feature_names(self) -> list[str]:
        return [variable.code for variable in self.variables]

    @property
    def nominal_columns(self) -> dict[int, tuple[str, ...]]:
        """The column of each nominal variable and its categories, in index order."""
        return {
            column: variable.categories
            for column, variable in enumerate(self.variables)
            if variable.is_nominal
        }

    def encode(self, table: Table) -> npt.NDArray[np.float64]:
        columns: list[npt.NDArray[np.float64]] = []
        for variable in self.variables:
            if variable.is_nominal:
                index = {category: float(i) for i, category in enumerate(variable.categories)}
                values = table.nominal(variable, allow_missing=True)
                columns.append(np.array([index.get(v, np.nan) for v in values], dtype=np.float64))
            else:
                columns.append(table.numeric(variable, allow_missing=True))
        return np.column_stack(columns) if columns else np.empty((len(table), 0))


def one_hot(values: list[str], categories: tuple[str, ...]) -> npt.NDArray[np.float64]:
    """Indicator columns, one per category; a value of no listed category is a row of zeros."""
    index = {category: position for position, category in enumerate(categories)}
    matrix = np.zeros((len(values), len(categories)), dtype=np.float64)
    for row, value in enumerate(values):
        column = index.get(value)
        if column is not None:
            matrix[row, column] = 1.0
    return matrix


def encode_target(variable: Variable, table: Table) -> npt.NDArray[Any]:
    """The target: floats for a regression, enumeration codes (strings) for a classification."""
    if variable.is_nominal:
        return np.asarray(table.nominal(variable), dtype=np.str_)
    return table.numeric(variable)


def problem_type(variable: Variable) -> str:
    """The learning problem a target poses (contract §2): its type decides, not its values."""
    return "classification" if variable.is_nominal else "regression"
