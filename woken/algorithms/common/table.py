"""The rows of data.json or test.json, and typed, checked access to their columns.

Woken writes rows as a database returns them: a list of column names and a
list of rows. A column is read through its variable's metadata so that every
value is checked once, here, and the algorithms receive clean arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.variables import Variable
from woken.algorithms.common.volume import read_json


@dataclass(frozen=True)
class Table:
    """The rows of data.json or test.json, with their column names."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    # Where the rows came from, for error messages ("data.json", "test.json").
    source: str = "data"

    @classmethod
    def from_json(cls, document: Any, source: str) -> Table:
        if not isinstance(document, dict) or "columns" not in document or "rows" not in document:
            raise InputError(f"{source} must be an object with 'columns' and 'rows'")
        columns = tuple(str(c) for c in document["columns"])
        rows = tuple(tuple(row) for row in document["rows"])
        for number, row in enumerate(rows):
            if len(row) != len(columns):
                raise InputError(
                    f"{source}: row {number} has {len(row)} values for {len(columns)} columns"
                )
        return cls(columns=columns, rows=rows, source=source)

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, code: str) -> list[Any]:
        """The raw values of one column, in row order."""
        try:
            index = self.columns.index(code)
        except ValueError:
            raise InputError(
                f"column '{code}' is not in {self.source} (columns: {', '.join(self.columns)})"
            ) from None
        return [row[index] for row in self.rows]

    def without_missing(self, code: str) -> Table:
        """The rows whose ``code`` holds a value (neither None nor NaN)."""
        index = self.columns.index(code) if code in self.columns else None
        if index is None:
            return self
        kept = tuple(row for row in self.rows if not _missing(row[index]))
        return Table(columns=self.columns, rows=kept, source=self.source)

    def numeric(self, variable: Variable, allow_missing: bool = False) -> npt.NDArray[np.float64]:
        """A numeric column as floats; a missing or non-numeric value is an error, not a NaN.

        ``allow_missing``: a missing value (None) is a NaN, for a model that imputes itself.
        """
        values = self.values(variable.code)
        clean = _finite_floats(values, allow_missing)
        if clean is not None:
            return clean
        # A bad value somewhere: the loop finds the first one and names it.
        result = np.empty(len(self.rows), dtype=np.float64)
        for number, value in enumerate(values):
            if allow_missing and value is None:
                result[number] = np.nan
                continue
            # bool is an int in Python, but a true/false column is not a measurement.
            if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not math.isfinite(value)
            ):
                raise InputError(
                    f"{self.source}: row {number}: '{variable.code}' must be a finite number, "
                    f"got {value!r}"
                )
            result[number] = value
        return result

    def nominal(self, variable: Variable, allow_missing: bool = False) -> list[str]:
        """A nominal column as enumeration codes; a value outside the enumerations is an error.

        ``allow_missing``: a missing value (None) is kept as ``""``, which no code can be.
        """
        allowed = set(variable.categories)
        result: list[str] = []
        for number, value in enumerate(self.values(variable.code)):
            if allow_missing and value is None:
                result.append("")
                continue
            code = None if value is None else str(value)
            if code not in allowed:
                raise InputError(
                    f"{self.source}: row {number}: '{variable.code}' is {value!r}, not one of "
                    f"its enumerations {sorted(allowed)}"
                )
            result.append(code)
        return result


def _finite_floats(values: list[Any], allow_missing: bool) -> npt.NDArray[np.float64] | None:
    """The values as floats at C speed, or None if one is not a finite int or float.

    With ``allow_missing``, None is allowed too and becomes NaN. The per-value loop of
    :meth:`Table.numeric` took most of a small job's own time (16 ms of 44 for a batched
    knn on 569 x 30).
    """
    # bool is a subclass of int, not int: a true/false column takes the loop, and fails.
    allowed = {int, float, type(None)} if allow_missing else {int, float}
    if not set(map(type, values)) <= allowed:
        return None
    array = np.array(values, dtype=np.float64)  # None becomes NaN
    if np.isinf(array).any() or np.count_nonzero(np.isnan(array)) != values.count(None):
        return None  # an infinity, or a NaN that was not a missing value
    return array


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def read_table(path: Path) -> Table:
    """Read data.json or test.json; a missing file is an input error naming the file."""
    if not path.is_file():
        raise InputError(f"{path} not found: Woken writes the rows there before the job starts")
    return Table.from_json(read_json(path), source=path.name)
