"""``iris``: Fisher's 150 irises, as scikit-learn bundles them (no download)."""

from __future__ import annotations

import numpy as np

from woken.features.bundled.spec import BundledDataset, codes_of, nominal, real, snake_case

SOURCE = "R.A. Fisher (1936), The use of multiple measurements in taxonomic problems"


def build_iris() -> BundledDataset:
    from sklearn.datasets import load_iris

    bunch = load_iris()
    data = np.asarray(bunch.data, dtype=float)
    species = [str(name) for name in bunch.target_names]
    # 'sepal length (cm)' → code sepal_length, label 'Sepal length', unit cm
    features = []
    for name in (str(n) for n in bunch.feature_names):
        measure, unit = name.removesuffix(")").split(" (")
        features.append((snake_case(measure), measure.capitalize(), unit))
    variables = (
        nominal("species", "Species",
                tuple((s, f"Iris {s}") for s in species), "The species of the iris."),
        *(real(code, label, unit) for code, label, unit in features),
    )
    columns = {
        "species": codes_of(species, np.asarray(bunch.target)),
        **{code: data[:, i] for i, (code, _, _) in enumerate(features)},
    }
    return BundledDataset(
        code="iris",
        label="Iris",
        description=(
            "Sepal and petal measurements of 150 irises of three species (50 each); the "
            f"target is the species. Source: {SOURCE}."
        ),
        variables=variables,
        columns=columns,
        target="species",
    )
