"""Principal component analysis of the standardized numeric variables.

Each variable is centred and divided by its standard deviation first, so that
a variable measured in large units does not make the first component by
itself (the PCA of the correlation matrix). The full SVD is deterministic:
the same rows give the same components. The result is a plotly scatter of the
rows on the first two components; ``layout.meta`` holds the loadings, the
explained variance and the scaling.
"""

from __future__ import annotations

import itertools
from typing import Any

from sklearn.decomposition import PCA

from woken.algorithms.common.descriptive import descriptive_handlers
from woken.algorithms.common.estimators import scaled, scaling_of
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.numeric import numeric_data
from woken.algorithms.common.plotly import figure, scatter
from woken.algorithms.common.results import Shape


def principal_components(inputs: JobInputs) -> dict[str, Any]:
    # Two components to draw need two variables and two rows.
    data = numeric_data(inputs, min_variables=2, min_rows=2)
    pipeline = scaled(PCA(svd_solver="full"))
    scores = pipeline.fit_transform(data.X)
    pca: PCA = pipeline[-1]
    names = [f"PC{i + 1}" for i in range(pca.n_components_)]
    ratio = pca.explained_variance_ratio_
    target = data.variables[0]
    samples = scatter(scores[:, 0], scores[:, 1], color=data.X[:, 0], color_title=target.label)
    answer = figure(
        [samples, *_panels(names, ratio.tolist(), data.codes, pca.components_.tolist())],
        title="Principal components 1 and 2",
        x_title=f"PC1 ({ratio[0]:.1%} of the variance)",
        y_title=f"PC2 ({ratio[1]:.1%} of the variance)",
        meta={
            "variables": data.codes,
            "n_rows": data.n_rows,
            "components": names,
            # One row per component: its weight on each standardized variable.
            "loadings": {name: dict(zip(data.codes, row.tolist(), strict=True))
                         for name, row in zip(names, pca.components_, strict=True)},
            "explained_variance": pca.explained_variance_.tolist(),
            "explained_variance_ratio": ratio.tolist(),
            "singular_values": pca.singular_values_.tolist(),
            "scaling": scaling_of(pipeline, data.codes),
        },
    )
    layout = answer["layout"]
    for key, value in PANELS.items():
        layout[key] = {**layout[key], **value} if isinstance(value, dict) and key in layout \
            else value
    return answer


# The samples' scores at the bottom right, the scree plot, the loadings of PC1 and PC2 and
# the variables' circle around them: the several traces of the 2019 PCA.
PANELS: dict[str, Any] = {
    "xaxis": {"domain": [0.55, 1.0], "anchor": "y"}, "yaxis": {"domain": [0.0, 0.45],
                                                             "anchor": "x"},
    "xaxis2": {"domain": [0.0, 0.45], "anchor": "y2"}, "yaxis2": {"domain": [0.55, 1.0],
                                                               "anchor": "x2"},
    "xaxis3": {"domain": [0.55, 1.0], "anchor": "y3"}, "yaxis3": {"domain": [0.55, 1.0],
                                                               "anchor": "x3"},
    "xaxis4": {"domain": [0.0, 0.45], "anchor": "y4", "range": [-1.1, 1.1]},
    "yaxis4": {"domain": [0.0, 0.45], "anchor": "x4", "range": [-1.1, 1.1]},
    "height": 800,
}


def _panels(names: list[str], ratio: list[float], codes: list[str],
            components: list[list[float]]) -> list[dict[str, Any]]:
    """Scree (bar and cumulative line, in %), PC1's and PC2's loadings, each variable's arrow."""
    percent = [100 * r for r in ratio]
    cumulative = list(itertools.accumulate(percent))
    traces: list[dict[str, Any]] = [
        {"type": "bar", "name": "explained variance", "x": names, "y": percent,
         "xaxis": "x2", "yaxis": "y2", "showlegend": False},
        {"type": "scatter", "name": "cumulative explained variance", "x": names,
         "y": cumulative, "xaxis": "x2", "yaxis": "y2", "showlegend": False},
    ]
    traces.extend({"type": "bar", "name": name, "x": codes, "y": row, "xaxis": "x3",
                   "yaxis": "y3", "showlegend": False}
                  for name, row in zip(names[:2], components[:2], strict=False))
    traces.extend({"type": "scatter", "mode": "lines+markers+text", "x": [0.0, x],
                   "y": [0.0, y], "text": [None, code], "marker": {"color": "black"},
                   "xaxis": "x4", "yaxis": "y4", "showlegend": False}
                  for code, x, y in zip(codes, components[0], components[1], strict=True))
    return traces


HANDLERS = descriptive_handlers(Shape.PLOTLY_JSON, principal_components)
