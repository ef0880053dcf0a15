"""A bundled dataset as Python builds it: metadata plus one column of values per variable."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from woken.features.schema import SUBJECT_ID, check_code, check_variable
from woken.features.variables import VariableMeta


@dataclass(frozen=True)
class BundledDataset:
    """What :func:`woken.features.loading.load_datasets` writes for one dataset.

    ``columns`` maps each variable code to its values, one per subject, in subject
    order: floats (NaN = missing) for numeric variables, enumeration codes (``None``
    = missing) for nominal ones. Subjects are numbered 1..n in that order.
    """

    code: str
    label: str
    description: str
    variables: tuple[VariableMeta, ...]
    columns: Mapping[str, np.ndarray]
    target: str

    def __post_init__(self) -> None:
        check_code("dataset", self.code)
        codes = [v.code for v in self.variables]
        if len(set(codes)) != len(codes) or set(codes) != set(self.columns):
            raise ValueError(f"dataset '{self.code}': variables and columns differ")
        if self.target not in self.columns:
            raise ValueError(f"dataset '{self.code}': target '{self.target}' is no variable")
        if len({len(values) for values in self.columns.values()}) != 1:
            raise ValueError(f"dataset '{self.code}': columns have different lengths")
        for variable in self.variables:
            check_variable(variable)

    @property
    def row_count(self) -> int:
        return len(next(iter(self.columns.values())))

    def rows(self) -> list[dict[str, Any]]:
        """The rows as the database takes them: Python values, ``None`` for missing."""
        as_python = {v.code: _to_python(v, self.columns[v.code]) for v in self.variables}
        return [
            {SUBJECT_ID: index + 1, **{code: values[index] for code, values in as_python.items()}}
            for index in range(self.row_count)
        ]


def _to_python(variable: VariableMeta, values: np.ndarray) -> list[Any]:
    if variable.type == "real":
        floats = np.asarray(values, dtype=float)
        return [None if np.isnan(x) else x for x in floats.tolist()]
    if variable.type == "integer":
        floats = np.asarray(values, dtype=float)
        return [None if np.isnan(x) else int(x) for x in floats.tolist()]
    objects = [None if _missing(x) else x for x in np.asarray(values, dtype=object).tolist()]
    if variable.type == "date":
        return objects
    return [None if x is None else str(x) for x in objects]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def snake_case(name: str) -> str:
    """A valid code from a free name: ``'od280/od315 of…'`` → ``'od280_od315_of…'``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def real(code: str, label: str, unit: str = "", description: str = "") -> VariableMeta:
    return VariableMeta(code=code, label=label, type="real", unit=unit, description=description)


def integer(code: str, label: str, unit: str = "", description: str = "") -> VariableMeta:
    return VariableMeta(code=code, label=label, type="integer", unit=unit, description=description)


def nominal(
    code: str, label: str, enumerations: Sequence[tuple[str, str]], description: str = ""
) -> VariableMeta:
    """A binominal (two codes) or polynominal variable, enumerations as (code, label) pairs."""
    return VariableMeta(
        code=code,
        label=label,
        type="binominal" if len(enumerations) == 2 else "polynominal",
        enumerations=tuple({"code": c, "label": lab} for c, lab in enumerations),
        description=description,
    )


def codes_of(labels: Sequence[str], indices: np.ndarray) -> np.ndarray:
    """Class indices (sklearn's targets) → their enumeration codes, as an object array."""
    return np.array([labels[i] for i in indices.tolist()], dtype=object)
