"""Descriptive statistics of every variable of the job: the first look at a data selection.

Numeric variables get what ``pandas.DataFrame.describe`` gives (count, mean,
sample standard deviation, min, quartiles by linear interpolation, max);
nominal ones a count and frequency for every category of their metadata. The
job gets every selected row, missing values included (its manifest says
``missing_values = "keep"``): each variable says how many of its values are
missing (``null_count``), and its statistics are over the values present.

The answer is a tabular data resource (frictionless), one row per variable, in the
2019 form: ``index`` (the code), ``label``, ``type``, ``group`` ``["all"]``,
``count``, ``null_count``, then ``mean``, ``std``, ``EX^2`` (the mean of the
squares), ``min``, quartiles and ``max`` for a numeric variable, or ``unique``,
``top`` and ``frequency`` (count per category) for a nominal one; ``role`` and
``categories`` (code, label, count, share) are this Woken's additions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler
from woken.algorithms.common.table import Table
from woken.algorithms.common.variables import Variable

QUANTILES = {"25%": 0.25, "50%": 0.5, "75%": 0.75}


# The schema's fields in the 2019 order, then this Woken's.
FIELDS = {
    "group_variables": "array", "group": "array", "index": "string", "label": "string",
    "type": "string", "count": "integer", "null_count": "integer", "unique": "integer",
    "top": "string", "frequency": "any", "mean": "number", "std": "number", "EX^2": "number",
    "min": "number", "max": "number", "25%": "number", "50%": "number", "75%": "number",
    "role": "string", "categories": "array",
}


def summarize(inputs: JobInputs) -> dict[str, Any]:
    roles = {
        **dict.fromkeys(inputs.grouping, "grouping"),
        **dict.fromkeys(inputs.covariables, "covariable"),
        **dict.fromkeys(inputs.variables, "variable"),
    }
    return {
        "name": "statistics_summary",
        "profile": "tabular-data-resource",
        "count": len(inputs.table),  # the rows selected (a custom property of the resource)
        "data": [
            {"group_variables": [], "group": ["all"], "index": v.code, "label": v.label,
             "type": v.type, "role": roles[v.code],
             **(_nominal(v, inputs.table) if v.is_nominal else _numeric(v, inputs.table))}
            for v in inputs.all_variables
        ],
        "schema": {"fields": [{"name": name, "type": kind} for name, kind in FIELDS.items()]},
    }


def _present(variable: Variable, table: Table) -> tuple[Table, int]:
    """The rows where `variable` has a value, and how many rows miss it."""
    values = table.values(variable.code)  # an unknown column is an input error naming it
    present = tuple(row for row, value in zip(table.rows, values, strict=True) if value is not None)
    missing = len(table) - len(present)
    return Table(columns=table.columns, rows=present, source=table.source), missing


def _numeric(variable: Variable, table: Table) -> dict[str, Any]:
    present, missing = _present(variable, table)
    values = present.numeric(variable)
    if len(values) == 0:
        return {"count": 0, "null_count": missing, "mean": None, "std": None, "EX^2": None,
                "min": None, **dict.fromkeys(QUANTILES), "max": None}
    return {
        "count": len(values),
        "null_count": missing,
        "mean": float(values.mean()),
        # The sample standard deviation (n - 1), undefined for a single value.
        "std": float(values.std(ddof=1)) if len(values) > 1 else None,
        "EX^2": float(np.mean(values * values)),
        "min": float(values.min()),
        **{name: float(np.quantile(values, q)) for name, q in QUANTILES.items()},
        "max": float(values.max()),
    }


def _nominal(variable: Variable, table: Table) -> dict[str, Any]:
    present, missing = _present(variable, table)
    values = present.nominal(variable)
    total = len(values)
    counts = {e.code: values.count(e.code) for e in variable.enumerations}
    return {
        "count": total,
        "null_count": missing,
        "unique": sum(1 for c in counts.values() if c),
        "top": max(counts, key=lambda code: counts[code]) if total else None,
        "frequency": counts,
        "categories": [
            {"code": e.code, "label": e.label, "count": values.count(e.code),
             "frequency": values.count(e.code) / total if total else None}
            for e in variable.enumerations
        ],
    }


def compute(volume: Path) -> Result:
    return Result(Shape.TABULAR_DATA_RESOURCE_JSON, summarize(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
