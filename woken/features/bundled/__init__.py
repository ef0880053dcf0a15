"""The datasets Woken ships with: built in Python, deterministically, without any download.

``sample`` is synthetic (fixed seed); the others are scikit-learn's bundled real
data sets. Each builder returns a :class:`BundledDataset`; the loader writes it.
scikit-learn is imported only when one of its datasets is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from woken.features.bundled.breast_cancer import build_breast_cancer
from woken.features.bundled.diabetes import build_diabetes
from woken.features.bundled.iris import build_iris
from woken.features.bundled.sample import build_sample
from woken.features.bundled.spec import BundledDataset
from woken.features.bundled.wine import build_wine

BUILDERS: Mapping[str, Callable[[], BundledDataset]] = {
    "sample": build_sample,
    "diabetes": build_diabetes,
    "breast_cancer": build_breast_cancer,
    "wine": build_wine,
    "iris": build_iris,
}

__all__ = ["BUILDERS", "BundledDataset"]
