"""Principal component analysis of the standardized numeric variables.

Each variable is centred and divided by its standard deviation first, so that
a variable measured in large units does not make the first component by
itself (the PCA of the correlation matrix). The full SVD is deterministic:
the same rows give the same components. The result is a plotly scatter of the
rows on the first two components; ``layout.meta`` holds the loadings, the
explained variance and the scaling.
"""

from __future__ import annotations

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
    return figure(
        [scatter(scores[:, 0], scores[:, 1], color=data.X[:, 0], color_title=target.label)],
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


HANDLERS = descriptive_handlers(Shape.PLOTLY_JSON, principal_components)
