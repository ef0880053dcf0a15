"""A two-dimensional t-SNE embedding of the standardized numeric variables, as a plotly scatter.

t-SNE places rows that are near in all the variables near in the plane. Its
perplexity (about how many neighbours each row keeps close) must stay below
the number of rows. The start is the PCA of the rows and the seed fixes the
rest, so that the same job gives the same picture.
"""

from __future__ import annotations

from typing import Any

from sklearn.manifold import TSNE

from woken.algorithms.common.descriptive import descriptive_handlers
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.estimators import scaled, seed
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.numeric import numeric_data
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.plotly import figure, scatter
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
    target = data.variables[0]
    return figure(
        [scatter(points[:, 0], points[:, 1], color=data.X[:, 0], color_title=target.label)],
        title=f"t-SNE embedding (perplexity {options['perplexity']:g})",
        x_title="t-SNE 1",
        y_title="t-SNE 2",
        meta={
            "variables": data.codes,
            "n_rows": data.n_rows,
            "parameters": options,
            "kl_divergence": float(tsne.kl_divergence_),
            "n_iter": int(tsne.n_iter_),
        },
    )


HANDLERS = descriptive_handlers(Shape.PLOTLY_JSON, embedding)
