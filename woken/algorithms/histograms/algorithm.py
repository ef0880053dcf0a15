"""Histograms of the target: one over all rows, then one per nominal covariable.

A numeric target is cut into ``bins`` intervals of equal width over its whole
range; the same intervals serve every group, so groups can be compared. A
nominal target is counted per category of its metadata (empty ones included).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.factors import group_masks
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler
from woken.algorithms.histograms.highcharts import column_chart, series


@dataclass(frozen=True)
class Binning:
    """The x axis: a label per bin, and each row's bin."""

    labels: list[str]
    bin_of_row: npt.NDArray[np.intp]

    def counts(self, rows: npt.NDArray[np.bool_] | None = None) -> list[int]:
        selected = self.bin_of_row if rows is None else self.bin_of_row[rows]
        return np.bincount(selected, minlength=len(self.labels)).tolist()


def binning(inputs: JobInputs) -> Binning:
    target, table = inputs.target, inputs.table
    if target.is_nominal:
        position = {code: i for i, code in enumerate(target.categories)}
        return Binning(labels=[e.label for e in target.enumerations],
                       bin_of_row=np.array([position[v] for v in table.nominal(target)],
                                           dtype=np.intp))
    bins = inputs.int_param("bins")  # within the manifest's bounds
    values = table.numeric(target)
    edges = np.histogram_bin_edges(values, bins=bins)
    # Bins are [a, b) except the last, [a, b], as numpy.histogram counts them.
    bin_of_row = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    text = edge_labels(edges)
    labels = [f"{a} - {b}" for a, b in itertools.pairwise(text)]
    return Binning(labels=labels, bin_of_row=bin_of_row.astype(np.intp))


def edge_labels(edges: npt.NDArray[np.float64]) -> list[str]:
    """The edges written short, with just enough digits to tell neighbours apart."""
    for digits in range(3, 17):
        text = [f"{e:.{digits}g}" for e in edges]
        if len(set(text)) == len(text):
            return text
    return [repr(float(e)) for e in edges]


def histograms(inputs: JobInputs) -> list[dict[str, Any]]:
    """The chart configurations: the whole target first, then one per factor."""
    if len(inputs.table) == 0:
        raise InputError(f"{inputs.table.source} has no rows to draw histograms of")
    # A numeric covariable groups no rows: as the 2019 histograms did, it is accepted and
    # gets no chart of its own (the target's chart is still drawn).
    factors = tuple(v for v in inputs.features if v.is_nominal)
    target = inputs.target
    x = binning(inputs)
    charts = [column_chart(f"Histogram of {target.label}", target.label, x.labels,
                           [series("All", x.counts())])]
    for factor in factors:
        masks = group_masks(inputs.table, factor)
        charts.append(column_chart(
            f"Histogram of {target.label} by {factor.label}", target.label, x.labels,
            [series(factor.label_of(category), x.counts(rows)) for category, rows in masks.items()],
        ))
    return charts


def compute(volume: Path) -> Result:
    return Result(Shape.HIGHCHARTS_JSON, histograms(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
