"""ANOVA tables computed with numpy: one-way per factor, and type II for several factors.

One-way: the between-group and within-group sums of squares of the target
for one factor. Type II (main effects, and interactions in a factorial design):
each term's sum of squares is what the residual sum of squares loses when that
term joins the model of every term not containing it, the order-free choice for
unbalanced data (as ``statsmodels.anova_lm(typ=2)`` computes it). Degrees of freedom come from
matrix ranks, so a category without rows costs no degree of freedom.

Every effect row carries eta squared (effect / total sum of squares) and
partial eta squared (effect / (effect + residual)); in a one-way table the two
are equal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
RESIDUAL = "Residual"


def effect_row(source: str, df: int, sum_sq: float, df_residual: int, rss: float,
               total_sum_sq: float) -> dict[str, Any]:
    """One line of an ANOVA table; undefined statistics (no df, no variance) are None."""
    mean_sq = sum_sq / df if df > 0 else None
    residual_mean_sq = rss / df_residual if df_residual > 0 else None
    f_value = p_value = None
    if mean_sq is not None and residual_mean_sq:
        f_value = mean_sq / residual_mean_sq
        p_value = float(stats.f.sf(f_value, df, df_residual))
    return {
        "source": source,
        "df": df,
        "sum_sq": sum_sq,
        "mean_sq": mean_sq,
        "F": f_value,
        "PR(>F)": p_value,
        "eta_sq": sum_sq / total_sum_sq if total_sum_sq > 0 else None,
        "partial_eta_sq": sum_sq / (sum_sq + rss) if sum_sq + rss > 0 else None,
    }


def residual_row(df_residual: int, rss: float) -> dict[str, Any]:
    return {"source": RESIDUAL, "df": df_residual, "sum_sq": rss,
            "mean_sq": rss / df_residual if df_residual > 0 else None,
            "F": None, "PR(>F)": None, "eta_sq": None, "partial_eta_sq": None}


def one_way(
    source: str, y: FloatArray, groups: Sequence[npt.NDArray[np.bool_]]
) -> list[dict[str, Any]]:
    """The one-way table of ``y`` split by boolean row masks (empty groups are ignored)."""
    present = [mask for mask in groups if mask.any()]
    grand_mean = y.mean()
    total = float(((y - grand_mean) ** 2).sum())
    between = float(sum(mask.sum() * (y[mask].mean() - grand_mean) ** 2 for mask in present))
    within = float(sum(((y[mask] - y[mask].mean()) ** 2).sum() for mask in present))
    df_residual = len(y) - len(present)
    return [
        effect_row(source, len(present) - 1, between, df_residual, within, total),
        residual_row(df_residual, within),
    ]


def type_ii(y: FloatArray, terms: dict[str, FloatArray],
            variables: dict[str, frozenset[str]] | None = None) -> list[dict[str, Any]]:
    """The type II table; ``terms`` maps a term's name to its coded columns.

    ``variables`` says which variables each term involves (a main effect one, an
    interaction several; default: each term its own variable).
    """
    def fit(names: Sequence[str]) -> tuple[float, int]:
        return _fit(np.hstack([np.ones((len(y), 1)), *(terms[name] for name in names)]), y)

    involved = variables or {name: frozenset({name}) for name in terms}
    return type_ii_of(fit, involved, len(y), float(((y - y.mean()) ** 2).sum()))


# The residual sum of squares and the rank of the model of the intercept and some terms.
SubModelFit = Callable[[Sequence[str]], tuple[float, int]]


def type_ii_of(fit: SubModelFit, involved: dict[str, frozenset[str]], n: int,
               total: float) -> list[dict[str, Any]]:
    """The type II table of the terms of ``involved`` (in its order), each sub-model by ``fit``.

    A term's sum of squares is what it adds to the model of every term that does not
    contain it (marginality), as ``statsmodels.anova_lm(typ=2)`` computes it; with main
    effects only, that is the model of all the other terms. ``fit`` may work on the rows
    (the container) or on summed cross-products (federated anova).
    """
    names = list(involved)
    rss_full, rank_full = fit(names)
    df_residual = n - rank_full
    rows = []
    for name in names:
        others = [other for other in names if not involved[name] <= involved[other]]
        rss_without, rank_without = fit(others)
        rss_with, rank_with = fit([*others, name])
        rows.append(effect_row(name, rank_with - rank_without, rss_without - rss_with,
                               df_residual, rss_full, total))
    return [*rows, residual_row(df_residual, rss_full)]


def _fit(design: FloatArray, y: FloatArray) -> tuple[float, int]:
    """The residual sum of squares of the least-squares fit, and the design's rank."""
    coefficients, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ coefficients
    return float(residuals @ residuals), int(rank)
