"""Ordinary least squares inference for a fitted linear model: what scikit-learn leaves out.

scikit-learn gives the coefficients; a clinician also asks how sure they are.
These are the textbook formulas (homoscedastic errors): the residual variance
``s² = RSS / (n - p)``, the covariance ``s² (XᵀX)⁻¹`` of the coefficients, their
t values and two-sided p values, R², adjusted R² and the model's F test.
When the design is rank-deficient (collinear features, or fewer rows than
coefficients) the coefficients are not identifiable: their errors are ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class OlsInference:
    """How sure the coefficients are: their errors, t and p values, and the fit's statistics."""

    # Per coefficient, the intercept first; None when not identifiable.
    standard_errors: list[float | None]
    t_values: list[float | None]
    p_values: list[float | None]
    r_squared: float | None
    adjusted_r_squared: float | None
    residual_standard_error: float | None
    df_residual: int
    f_statistic: float | None
    f_p_value: float | None


def ols_inference(X: FloatArray, y: FloatArray, intercept: float, coef: FloatArray) -> OlsInference:
    n = len(y)
    design = np.column_stack([np.ones(n), X])
    beta = np.concatenate([[intercept], coef])
    residuals = y - design @ beta
    rss = float(residuals @ residuals)
    tss = float(((y - y.mean()) ** 2).sum())
    rank = int(np.linalg.matrix_rank(design))
    df_residual = n - rank
    df_model = rank - 1
    identifiable = rank == design.shape[1] and df_residual > 0

    r_squared = 1.0 - rss / tss if tss > 0 else None
    adjusted = (
        1.0 - (1.0 - r_squared) * (n - 1) / df_residual
        if r_squared is not None and df_residual > 0
        else None
    )
    unknown: list[float | None] = [None] * len(beta)
    if not identifiable:
        return OlsInference(unknown, unknown, unknown, r_squared, adjusted, None, df_residual,
                            None, None)

    sigma2 = rss / df_residual
    covariance = sigma2 * np.linalg.inv(design.T @ design)
    errors = np.sqrt(np.diag(covariance))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_values = beta / errors
    p_values = 2.0 * stats.t.sf(np.abs(t_values), df_residual)
    f_statistic = f_p_value = None
    if df_model > 0 and sigma2 > 0:
        f_statistic = float(((tss - rss) / df_model) / sigma2)
        f_p_value = float(stats.f.sf(f_statistic, df_model, df_residual))
    return OlsInference(
        standard_errors=[float(e) for e in errors],
        t_values=[float(t) for t in t_values],
        p_values=[float(p) for p in p_values],
        r_squared=r_squared,
        adjusted_r_squared=adjusted,
        residual_standard_error=float(np.sqrt(sigma2)),
        df_residual=df_residual,
        f_statistic=f_statistic,
        f_p_value=f_p_value,
    )
