"""``diabetes``: Efron et al.'s 442 diabetes patients, as scikit-learn bundles them (no download).

The unscaled values (``scaled=False``): ages in years, sex as 1 or 2, blood
measurements in their clinical units. The target is a quantitative measure of
disease progression one year after baseline.
"""

from __future__ import annotations

import numpy as np

from woken.features.bundled.spec import BundledDataset, integer, nominal, real

SOURCE = (
    "Efron, Hastie, Johnstone and Tibshirani (2004), Least Angle Regression, "
    "Annals of Statistics; https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html"
)


def build_diabetes() -> BundledDataset:
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    data = np.asarray(bunch.data, dtype=float)
    column = {name: data[:, i] for i, name in enumerate(bunch.feature_names)}
    sex = np.array([str(int(x)) for x in column["sex"].tolist()], dtype=object)
    variables = (
        real("progression", "Disease progression", "",
             "A quantitative measure of disease progression one year after baseline."),
        integer("age", "Age", "years", "Age at baseline."),
        nominal("sex", "Sex", (("1", "Sex 1"), ("2", "Sex 2")),
                "Sex, coded 1 or 2; the source does not say which code is which sex."),
        real("bmi", "Body mass index", "kg/m2"),
        real("bp", "Average blood pressure", "mmHg"),
        real("s1", "Total serum cholesterol (tc)", "mg/dL"),
        real("s2", "Low-density lipoproteins (ldl)", "mg/dL"),
        real("s3", "High-density lipoproteins (hdl)", "mg/dL"),
        real("s4", "Total cholesterol / HDL (tch)", "", "A ratio, without unit."),
        real("s5", "Log of serum triglycerides (ltg)", "",
             "Possibly the natural logarithm of the serum triglycerides level (the source "
             "says 'possibly')."),
        real("s6", "Blood sugar level (glu)", "mg/dL"),
    )
    columns = {
        "progression": np.asarray(bunch.target, dtype=float),
        "age": column["age"],
        "sex": sex,
        **{code: column[code] for code in ("bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")},
    }
    return BundledDataset(
        code="diabetes",
        label="Diabetes",
        description=(
            "Ten baseline variables (age, sex, body mass index, average blood pressure and "
            "six blood serum measurements) of 442 diabetes patients, and a measure of "
            f"disease progression one year later. Source: {SOURCE}."
        ),
        variables=variables,
        columns=columns,
        target="progression",
    )
