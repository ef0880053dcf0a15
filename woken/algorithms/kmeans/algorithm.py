"""k-means clustering of the standardized numeric variables.

Distances are taken between standardized variables, so that a variable in
large units does not decide the clusters by itself; the centres are reported
back in the variables' own units. The seed fixes the k-means++ starts, and the
best of several starts (by inertia) is kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.cluster import KMeans

from woken.algorithms.common.descriptive import descriptive_handlers
from woken.algorithms.common.encoding import FeatureEncoder
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.estimators import scaled, scaling_of, seed
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.numeric import numeric_data
from woken.algorithms.common.pfa.document import pfa_document
from woken.algorithms.common.results import Shape
from woken.algorithms.kmeans.pfa import kmeans_pfa

# Starts from different seeds derived from `seed`; scikit-learn's "auto" would be one.
N_INIT = 10


def clusters(inputs: JobInputs) -> dict[str, Any]:
    data = numeric_data(inputs)
    n_clusters = inputs.parameters.int_param("n_clusters")
    if n_clusters > data.n_rows:
        raise InputError(
            f"parameter 'n_clusters' ({n_clusters}) is more than the {data.n_rows} rows"
        )
    random_state = seed(inputs.parameters)
    pipeline = scaled(KMeans(n_clusters=n_clusters, n_init=N_INIT, random_state=random_state))
    labels = pipeline.fit_predict(data.X)
    kmeans: KMeans = pipeline[-1]
    centres = pipeline[0].inverse_transform(kmeans.cluster_centers_)
    counts = np.bincount(labels, minlength=n_clusters)
    description = {
        "variables": data.codes,
        "n_rows": data.n_rows,
        "parameters": {"n_clusters": n_clusters, "seed": random_state, "n_init": N_INIT},
        "clusters": [
            {"cluster": index, "count": int(count),
             "centre": dict(zip(data.codes, centre.tolist(), strict=True))}
            for index, (count, centre) in enumerate(zip(counts, centres, strict=True))
        ],
        # The sum of squared distances to the centres, in standardized units.
        "inertia": float(kmeans.inertia_),
        "n_iter": int(kmeans.n_iter_),
        "scaling": scaling_of(pipeline, data.codes),
    }
    # The model as a PFA document: any PFA engine assigns new rows to the clusters.
    return pfa_document(kmeans_pfa(pipeline), FeatureEncoder(data.variables), description)


HANDLERS = descriptive_handlers(Shape.PFA_JSON, clusters)
