"""``breast_cancer``: the Wisconsin Diagnostic Breast Cancer data (569 fine needle aspirates).

Thirty real features describe the cell nuclei of a digitized image (mean,
standard error and worst value of ten measurements); the target says whether
the mass was malignant or benign. scikit-learn bundles the data (no download).
"""

from __future__ import annotations

import numpy as np

from woken.features.bundled.spec import BundledDataset, codes_of, nominal, real, snake_case

SOURCE = (
    "W.N. Street, W.H. Wolberg and O.L. Mangasarian (1993), UCI Machine Learning Repository: "
    "Breast Cancer Wisconsin (Diagnostic)"
)

_STATISTICS = {
    "mean": "Mean over the nuclei of the image",
    "error": "Standard error over the nuclei of the image",
    "worst": "Mean of the three largest values over the nuclei of the image",
}


def _feature(name: str) -> tuple[str, str, str]:
    """('mean concave points') → code, label, description."""
    code = snake_case(name)
    statistic = "error" if name.endswith(" error") else name.split(" ", 1)[0]
    measure = name.removesuffix(" error").removeprefix("mean ").removeprefix("worst ")
    label = name[0].upper() + name[1:]
    return code, label, f"{_STATISTICS[statistic]} of the {measure}."


def build_breast_cancer() -> BundledDataset:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    data = np.asarray(bunch.data, dtype=float)
    # sklearn's classes: 0 = malignant, 1 = benign.
    classes = [str(name) for name in bunch.target_names]
    features = [_feature(str(name)) for name in bunch.feature_names]
    variables = (
        nominal("diagnosis", "Diagnosis",
                tuple((c, c.capitalize()) for c in classes),
                "Diagnosis of the breast mass."),
        *(real(code, label, "", description) for code, label, description in features),
    )
    columns = {
        "diagnosis": codes_of(classes, np.asarray(bunch.target)),
        **{code: data[:, i] for i, (code, _, _) in enumerate(features)},
    }
    return BundledDataset(
        code="breast_cancer",
        label="Breast cancer (Wisconsin diagnostic)",
        description=(
            "569 breast masses described by 30 features of their cell nuclei, computed from "
            "a digitized image of a fine needle aspirate; the target is the diagnosis "
            f"(malignant or benign). Source: {SOURCE}."
        ),
        variables=variables,
        columns=columns,
        target="diagnosis",
    )
