"""Subgroup discovery: rules on the covariables that single out one class of the variable.

As 2019's Hedwig answered, one block of rules per class of the target: a nominal
variable's categories, or a numeric one cut into three ranges of equal frequency.
Each class is a binary target for pysubgroup's beam search (weighted relative
accuracy, rules of at most ``depth`` conditions covering at least ``support`` of the
rows); numeric covariables are cut into ranges by pysubgroup's selectors. Each rule
is written with its coverage, its positives, its precision and its lift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pysubgroup as ps

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler

CLASS = "__class__"
RESULTS_PER_CLASS = 10
NUMERIC_CLASSES = 3


def frame(inputs: JobInputs) -> pd.DataFrame:
    """The covariables as columns (numbers, or category codes), one row per data row."""
    columns: dict[str, Any] = {}
    for variable in inputs.features:
        columns[variable.code] = (inputs.table.nominal(variable) if variable.is_nominal
                                  else inputs.table.numeric(variable))
    return pd.DataFrame(columns)


def classes(inputs: JobInputs) -> tuple[list[str], list[str]]:
    """Each row's class of the target, and the classes in order."""
    target = inputs.target
    if target.is_nominal:
        codes = inputs.table.nominal(target)
        return codes, [c for c in target.categories if c in set(codes)]
    numbers = inputs.table.numeric(target)
    edges = np.quantile(numbers, np.linspace(0, 1, NUMERIC_CLASSES + 1))
    bins = np.clip(np.searchsorted(edges, numbers, side="right") - 1, 0, NUMERIC_CLASSES - 1)
    names = [f"{edges[i]:.6g}<={target.code}<{edges[i + 1]:.6g}" for i in range(NUMERIC_CLASSES)]
    return [names[b] for b in bins], [names[i] for i in sorted(set(bins.tolist()))]


def rules(inputs: JobInputs) -> str:
    if len(inputs.table) < 2:
        raise InputError(f"{inputs.table.source} has too few rows for subgroup discovery")
    data = frame(inputs)
    labels, ordered = classes(inputs)
    beam, depth = inputs.int_param("beam"), inputs.int_param("depth")
    support = inputs.float_param("support")
    selectors = ps.create_selectors(data, nbins=NUMERIC_CLASSES)
    title = (f"Subgroup discovery of {inputs.target.code} (pysubgroup beam search: beam "
             f"{beam}, depth {depth}, minimum support {support:g}, weighted relative "
             f"accuracy)")
    lines = [title, ""]
    for name in ordered:
        data[CLASS] = [label == name for label in labels]
        task = ps.SubgroupDiscoveryTask(
            data, ps.BinaryTarget(CLASS, True), selectors, result_set_size=RESULTS_PER_CLASS,
            depth=depth, qf=ps.WRAccQF(),
            constraints=[ps.MinSupportConstraint(max(1, int(np.ceil(support * len(data)))))])
        found = ps.BeamSearch(beam_width=beam).execute(task).to_dataframe()
        lines.append(f"'{name}'(X) <--")
        if found.empty:
            lines.append("\t(no rule)")
        for _, row in found.iterrows():
            lines.append(
                f"\t{row['subgroup']} [cov={int(row['size_sg'])}, "
                f"pos={int(row['positives_sg'])}, prec={row['target_share_sg']:.3f}, "
                f"lift={row['lift']:.3f}, quality={row['quality']:.4f}]")
        lines.append("")
        del data[CLASS]
    return "\n".join(lines)


def compute(volume: Path) -> Result:
    return Result(Shape.TEXT, rules(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
