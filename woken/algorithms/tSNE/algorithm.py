"""A two-dimensional t-SNE embedding of the standardized numeric variables, a Highcharts scatter.

As the 2019 tSNE drew it: one series per row, named by the row's target value and
coloured along the target's range, so that the portal's Highcharts shows which
values lie together; ``meta`` (ignored by Highcharts) says how it was computed.

t-SNE places rows that are near in all the variables near in the plane. Its
perplexity (about how many neighbours each row keeps close) must stay below
the number of rows. The start is the PCA of the rows and the seed fixes the
rest, so that the same job gives the same picture.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.manifold import TSNE

from woken.algorithms.common.descriptive import descriptive_handlers
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.estimators import scaled, seed
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.numeric import numeric_data
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.results import Shape


def settings(parameters: Parameters, n_rows: int) -> dict[str, Any]:
    """TSNE's keyword arguments; the perplexity is bounded by the rows (scikit-learn's rule)."""
    perplexity = parameters.float_param("perplexity")
    if perplexity >= n_rows:
        raise InputError(
            f"parameter 'perplexity' ({perplexity:g}) must be less than the number of rows "
            f"({n_rows})"
        )
    return {
        "n_components": 2,
        "perplexity": perplexity,
        "max_iter": parameters.int_param("max_iter"),
        "init": "pca",
        "learning_rate": "auto",
        "random_state": seed(parameters),
    }


def embedding(inputs: JobInputs) -> dict[str, Any]:
    data = numeric_data(inputs, min_variables=1, min_rows=2)
    options = settings(inputs.parameters, data.n_rows)
    pipeline = scaled(TSNE(**options))
    points = pipeline.fit_transform(data.X)
    tsne: TSNE = pipeline[-1]
    target = data.X[:, 0]
    low, span = float(target.min()), float(np.ptp(target)) or 1.0
    return {
        "chart": {"type": "scatter", "zoomType": "xy"},
        "plotOptions": {"scatter": {"marker": {"radius": 3.0}}},
        "title": {"text": f"t-SNE embedding for: {', '.join(data.codes)}"},
        "subtitle": {"text": f"t-SNE parameters: perplexity {options['perplexity']:g}, "
                             f"iterations {options['max_iter']}"},
        "xAxis": {"labels": {"enabled": False}, "title": {"enabled": True, "text": "tsne1"}},
        "yAxis": {"labels": {"enabled": True}, "title": {"enabled": True, "text": "tsne2"}},
        "legend": {"enabled": False},
        "series": [
            {"name": float(value), "color": _colour((float(value) - low) / span),
             "data": [[float(x), float(y)]]}
            for value, (x, y) in zip(target, points, strict=True)
        ],
        "meta": {
            "variables": data.codes,
            "target": data.codes[0],
            "n_rows": data.n_rows,
            "parameters": options,
            "kl_divergence": float(tsne.kl_divergence_),
            "n_iter": int(tsne.n_iter_),
        },
    }


def _colour(share: float) -> str:
    """A colour from red-brown (the target's lowest) to green (its highest), half opaque."""
    return f"rgba(127, {63 + round(64 * share)}, 63, .5)"


HANDLERS = descriptive_handlers(Shape.HIGHCHARTS_JSON, embedding)
