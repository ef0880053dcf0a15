"""``wine``: chemical analyses of 178 wines grown in one region of Italy by three cultivars.

scikit-learn bundles the data (no download). The target is the cultivar; the
13 features are the constituents the analysis measured.
"""

from __future__ import annotations

import numpy as np

from woken.features.bundled.spec import BundledDataset, codes_of, nominal, real, snake_case

SOURCE = "M. Forina et al., PARVUS (1988); UCI Machine Learning Repository: Wine"

# sklearn's feature name → (label, unit)
_FEATURES = {
    "alcohol": ("Alcohol", "% vol"),
    "malic_acid": ("Malic acid", "g/L"),
    "ash": ("Ash", "g/L"),
    "alcalinity_of_ash": ("Alcalinity of ash", ""),
    "magnesium": ("Magnesium", "mg/L"),
    "total_phenols": ("Total phenols", ""),
    "flavanoids": ("Flavanoids", ""),
    "nonflavanoid_phenols": ("Nonflavanoid phenols", ""),
    "proanthocyanins": ("Proanthocyanins", ""),
    "color_intensity": ("Color intensity", ""),
    "hue": ("Hue", ""),
    "od280/od315_of_diluted_wines": ("OD280/OD315 of diluted wines", ""),
    "proline": ("Proline", "mg/L"),
}


def build_wine() -> BundledDataset:
    from sklearn.datasets import load_wine

    bunch = load_wine()
    data = np.asarray(bunch.data, dtype=float)
    classes = [str(name) for name in bunch.target_names]
    names = [str(name) for name in bunch.feature_names]
    variables = (
        nominal("cultivar", "Cultivar",
                tuple((c, f"Cultivar {c.removeprefix('class_')}") for c in classes),
                "The cultivar the wine was made from."),
        *(real(snake_case(name), *_FEATURES[name]) for name in names),
    )
    columns = {
        "cultivar": codes_of(classes, np.asarray(bunch.target)),
        **{snake_case(name): data[:, i] for i, name in enumerate(names)},
    }
    return BundledDataset(
        code="wine",
        label="Wine",
        description=(
            "Chemical analysis of 178 wines from the same region of Italy, made from three "
            f"cultivars; the target is the cultivar. Source: {SOURCE}."
        ),
        variables=variables,
        columns=columns,
        target="cultivar",
    )
