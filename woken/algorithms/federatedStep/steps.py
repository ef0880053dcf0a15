"""Every local step by name: what a site's job may be asked to compute."""

from __future__ import annotations

from woken.algorithms.federatedStep import (
    anova,
    cross_products,
    histograms,
    linear_regression,
    logistic_regression,
    naive_bayes,
    scoring,
    summary,
)
from woken.algorithms.federatedStep.sums import LocalStep

LOCAL_STEPS: dict[str, LocalStep] = {
    summary.STEP: summary.local_moments,
    histograms.RANGE: histograms.local_range,
    histograms.COUNTS: histograms.local_counts,
    linear_regression.FIT: linear_regression.local_fit,
    linear_regression.RESIDUALS: linear_regression.local_residuals,
    logistic_regression.STEP: logistic_regression.local_newton,
    naive_bayes.STEP: naive_bayes.local_fit,
    cross_products.SUMS: cross_products.local_sums,
    cross_products.CENTRED: cross_products.local_centred,
    anova.GROUPS: anova.local_groups,
    anova.DESIGN: anova.local_design,
    scoring.SCORE: scoring.local_score,
}
