"""Plotly figures: what the portal draws for an ``application/vnd.plotly.v1+json`` result.

The result's data is a figure as ``Plotly.newPlot(element, figure)`` takes it,
``{"data": [traces], "layout": {...}}`` (https://plotly.com/javascript/reference/).
The numbers behind the picture (loadings, variances, the variables' codes) go
in ``layout.meta``, plotly's attribute for data of the caller's own: the figure
stays a valid plotly figure, and a program reads the numbers without scraping
the traces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt


def figure(
    traces: Sequence[dict[str, Any]], title: str, meta: dict[str, Any],
    x_title: str | None = None, y_title: str | None = None,
) -> dict[str, Any]:
    layout: dict[str, Any] = {"title": {"text": title}, "meta": meta}
    if x_title is not None:
        layout["xaxis"] = {"title": {"text": x_title}}
    if y_title is not None:
        layout["yaxis"] = {"title": {"text": y_title}}
    return {"data": list(traces), "layout": layout}


def scatter(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64],
    color: npt.NDArray[np.float64] | None = None, color_title: str = "",
) -> dict[str, Any]:
    """A cloud of points, coloured by a numeric value (with its colour bar) if one is given."""
    marker: dict[str, Any] = {"size": 6}
    if color is not None:
        marker.update(color=color.tolist(), colorscale="Viridis", showscale=True,
                      colorbar={"title": {"text": color_title}})
    return {"type": "scatter", "mode": "markers", "x": x.tolist(), "y": y.tolist(),
            "marker": marker}


def heatmap(z: npt.NDArray[np.float64], labels: Sequence[str], zmin: float,
            zmax: float) -> dict[str, Any]:
    """A square matrix read as a table, as the 2019 heat map drew it: its first row at the top.

    Plotly draws ``z``'s first row at the bottom, so the rows go in reverse order:
    ``z[k]`` is the matrix's row ``n - 1 - k``, drawn at ``y[k] = labels[n - 1 - k]``.
    """
    return {"type": "heatmap", "z": z[::-1].tolist(), "x": list(labels), "xaxis": "x",
            "yaxis": "y",
            "y": list(labels)[::-1], "zmin": zmin, "zmax": zmax, "colorscale": "RdBu",
            "reversescale": True}
