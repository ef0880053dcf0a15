"""Highcharts column-chart configurations: what the portal draws for a ``highcharts_json`` result.

The portal hands each configuration to ``Highcharts.chart(container, config)``
as it is, so these are plain Highcharts options (https://api.highcharts.com/highcharts/).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def series(name: str, counts: Sequence[int]) -> dict[str, Any]:
    return {"name": name, "data": [int(c) for c in counts]}


def column_chart(
    title: str, x_title: str, categories: Sequence[str], all_series: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """A column chart of counts: one column per category and series, series side by side."""
    return {
        "chart": {"type": "column"},
        "label": "Histogram",
        "title": {"text": title},
        "xAxis": {"categories": list(categories), "title": {"text": x_title}},
        "yAxis": {"title": {"text": "Number of participants"}, "allowDecimals": False, "min": 0},
        "tooltip": {"shared": True},
        "plotOptions": {"column": {"pointPadding": 0, "groupPadding": 0.1, "borderWidth": 0}},
        "legend": {"enabled": len(all_series) > 1},
        "series": list(all_series),
    }
