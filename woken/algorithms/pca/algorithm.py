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
    samples["marker"].update(opacity=0.6, line={"color": "rgba(217, 217, 217, 0.14)",
                                                "width": 0.5})
    samples.update(xaxis="x4", yaxis="y4", showlegend=False)
    answer = figure(
        [samples, *_panels(names, ratio.tolist(), data.codes, pca.components_.tolist())],
        title="Principal component analysis",
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
    pc1 = f"PC1 ({ratio[0]:.1%} of the variance)"
    pc2 = f"PC2 ({ratio[1]:.1%} of the variance)"
    answer["layout"].update(_layout(pc1, pc2))
    return answer


def _axis(domain: list[float], anchor: str, title: str | None = None,
          unit_range: bool = False) -> dict[str, Any]:
    axis: dict[str, Any] = {"domain": domain, "anchor": anchor}
    if title is not None:
        axis["title"] = {"text": title}
    if unit_range:
        axis["range"] = [-1.05, 1.05]
    return axis


def _layout(pc1: str, pc2: str) -> dict[str, Any]:
    """The four panels of the 2019 PCA: scree, loadings, variables' circle, samples."""
    top, bottom, left, right = [0.625, 1.0], [0.0, 0.375], [0.0, 0.45], [0.55, 1.0]
    titles = [("Scree plot", 0.225, 1.0), ("Eigen-components", 0.775, 1.0),
              ("Variables scores", 0.225, 0.375), ("Samples scores", 0.775, 0.375)]
    return {
        "xaxis": _axis(left, "y"), "yaxis": _axis(top, "x", "Explained variance in percent"),
        "xaxis2": _axis(right, "y2"), "yaxis2": _axis(top, "x2"),
        "xaxis3": _axis(left, "y3", pc1, unit_range=True),
        "yaxis3": _axis(bottom, "x3", pc2, unit_range=True),
        "xaxis4": _axis(right, "y4", pc1), "yaxis4": _axis(bottom, "x4", pc2),
        "shapes": [{"type": "circle", "xref": "x3", "yref": "y3", "x0": -1.0, "y0": -1.0,
                    "x1": 1.0, "y1": 1.0, "line": {"color": "red"}}],
        "annotations": [{"text": text, "x": x, "y": y, "xref": "paper", "yref": "paper",
                         "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                         "font": {"size": 16}} for text, x, y in titles],
        "height": 800,
        "width": 800,
    }


def _panels(names: list[str], ratio: list[float], codes: list[str],
            components: list[list[float]]) -> list[dict[str, Any]]:
    """Scree (bar and cumulative line, in %), PC1's and PC2's loadings, each variable's arrow."""
    percent = [100 * r for r in ratio]
    cumulative = list(itertools.accumulate(percent))
    traces: list[dict[str, Any]] = [
        {"type": "bar", "name": "explained variance", "x": names, "y": percent,
         "xaxis": "x", "yaxis": "y", "showlegend": False},
        {"type": "scatter", "name": "cumulative explained variance", "x": names,
         "y": cumulative, "xaxis": "x", "yaxis": "y", "showlegend": False},
    ]
    traces.extend({"type": "bar", "name": name, "x": codes, "y": row, "xaxis": "x2",
                   "yaxis": "y2", "showlegend": False}
                  for name, row in zip(names[:2], components[:2], strict=False))
    traces.extend({"type": "scatter", "mode": "lines+markers+text", "x": [0.0, x],
                   "y": [0.0, y], "text": [None, code], "marker": {"color": "black"},
                   "xaxis": "x3", "yaxis": "y3", "showlegend": False}
                  for code, x, y in zip(codes, components[0], components[1], strict=True))
    return traces


HANDLERS = descriptive_handlers(Shape.PLOTLY_JSON, principal_components)
