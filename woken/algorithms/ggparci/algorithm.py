"""Parallel coordinates with each group's mean and 95% confidence band, drawn as SVG.

Every numeric covariable is a vertical axis scaled from its minimum (bottom) to its
maximum (top); each row is a thin polyline across the axes. The rows are grouped by
the variable's category when it is nominal (else one group, "all"); each group gets
its mean line and, around it, the band mean +- 1.96 standard errors on every axis.
The image is plain SVG 1.1 (no script), which the portal shows as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.factors import group_masks
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler

WIDTH, HEIGHT, MARGIN = 720.0, 400.0, 60.0
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
Z_95 = 1.959963984540054


def groups(inputs: JobInputs) -> dict[str, npt.NDArray[np.bool_]]:
    target = inputs.target
    if target.is_nominal:
        return {target.label_of(code): rows
                for code, rows in group_masks(inputs.table, target).items() if rows.any()}
    return {"all": np.ones(len(inputs.table), dtype=bool)}


def scaled_axes(inputs: JobInputs) -> tuple[list[str], npt.NDArray[np.float64]]:
    """The axes' labels and the rows' values on them, each axis scaled to [0, 1]."""
    axes = [v for v in inputs.features if not v.is_nominal]
    if not axes:
        raise InputError("ggparci draws numeric covariables: none given")
    X = np.column_stack([inputs.table.numeric(v) for v in axes])
    low, span = X.min(axis=0), np.ptp(X, axis=0)
    return [v.label for v in axes], (X - low) / np.where(span > 0, span, 1.0)


def _point(axis: int, value: float, n_axes: int) -> str:
    x = MARGIN + axis * (WIDTH - 2 * MARGIN) / max(n_axes - 1, 1)
    y = HEIGHT - MARGIN - value * (HEIGHT - 2 * MARGIN)
    return f"{x:.2f},{y:.2f}"


def _line(values: Any, n_axes: int) -> str:
    return " ".join(_point(i, float(v), n_axes) for i, v in enumerate(values))


def parallel_coordinates(inputs: JobInputs) -> str:
    if len(inputs.table) == 0:
        raise InputError(f"{inputs.table.source} has no rows to draw")
    labels, X = scaled_axes(inputs)
    n_axes = len(labels)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH:.0f} {HEIGHT:.0f}'>",
             f"<title>Parallel coordinates of {escape(inputs.target.label)}</title>"]
    for axis, label in enumerate(labels):
        top, bottom = _point(axis, 1.0, n_axes), _point(axis, 0.0, n_axes)
        parts.append(f"<polyline class='axis' points='{top} {bottom}' stroke='#000'/>")
        x = top.split(",")[0]
        parts.append(f"<text x='{x}' y='{HEIGHT - MARGIN / 3:.2f}' text-anchor='middle' "
                     f"font-size='12'>{escape(label)}</text>")
    for index, (name, rows) in enumerate(groups(inputs).items()):
        colour = COLOURS[index % len(COLOURS)]
        values = X[rows]
        parts.extend(f"<polyline class='row' points='{_line(row, n_axes)}' fill='none' "
                     f"stroke='{colour}' stroke-opacity='0.25'/>" for row in values)
        mean = values.mean(axis=0)
        error = (values.std(axis=0, ddof=1) / np.sqrt(len(values)) if len(values) > 1
                 else np.zeros(n_axes))
        band = _line(mean + Z_95 * error, n_axes) + " " + " ".join(
            reversed(_line(mean - Z_95 * error, n_axes).split(" ")))
        parts.append(f"<polygon class='band' points='{band}' fill='{colour}' "
                     f"fill-opacity='0.3'><title>{escape(name)}</title></polygon>")
        parts.append(f"<polyline class='mean' points='{_line(mean, n_axes)}' fill='none' "
                     f"stroke='{colour}' stroke-width='2.5'><title>{escape(name)}</title>"
                     f"</polyline>")
    parts.append("</svg>")
    return "\n".join(parts)


def compute(volume: Path) -> Result:
    return Result(Shape.SVG, parallel_coordinates(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
