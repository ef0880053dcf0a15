"""scikit-learn pieces the model algorithms share: the seed parameter and standard scaling.

Every randomized estimator here (SGD, neural networks, boosting, k-means, t-SNE)
takes its ``random_state`` from the job's ``seed`` parameter: the same job on the
same rows gives the same result, and a test can fit the same estimator directly
and compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from woken.algorithms.common.parameters import Parameters

SEED = "seed"
# Its default and range (scikit-learn's: a numpy RandomState seed) are in each manifest.


def seed(parameters: Parameters) -> int:
    return parameters.int_param(SEED)


def scaled(estimator: Any) -> Pipeline:
    """Standardize each feature first: gradient descent, distances and variances depend on units.

    The scaler is fitted on the training rows only and saved with the model, so `test`
    scales new rows with the training rows' means and standard deviations.
    """
    return make_pipeline(StandardScaler(), estimator)


def scaling_of(pipeline: Pipeline, names: Sequence[str]) -> dict[str, dict[str, float]]:
    """The mean and standard deviation each feature was scaled by, to read a scaled model."""
    scaler: StandardScaler = pipeline[0]
    return {
        "mean": dict(zip(names, scaler.mean_.tolist(), strict=True)),
        "scale": dict(zip(names, scaler.scale_.tolist(), strict=True)),
    }
