"""Three hospitals' rows for the federation tests, and each algorithm on the pooled rows.

The pooled references are written here from the textbook formulas on one table (numpy,
scipy, scikit-learn), independently of ``woken.federation``: a federated result that
equals them to ``rtol=1e-6`` is exact.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from woken.features.variables import VariableMeta
from woken.federation.folds import fold_of_rows

SITES = {"hospital_a": 45, "hospital_b": 60, "hospital_c": 75}
GROUPS = ("left", "right", "both")
CLASSES = ("no", "yes")
COLUMNS = ("y", "x1", "x2", "group", "outcome")
METAS = [
    VariableMeta("y", "y", "real"), VariableMeta("x1", "x1", "real"),
    VariableMeta("x2", "x2", "real"),
    VariableMeta("group", "group", "polynominal",
                 tuple({"code": g, "label": g} for g in GROUPS)),
    VariableMeta("outcome", "outcome", "binominal",
                 tuple({"code": c, "label": c} for c in CLASSES)),
]


def hospital_rows(seed: int = 7) -> dict[str, list[list[Any]]]:
    """Each hospital's rows (y, x1, x2, group, outcome), a different population at each."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[list[Any]]] = {}
    for i, (name, n) in enumerate(SITES.items()):
        x1 = rng.normal(50 + 5 * i, 10, n)
        x2 = rng.normal(2 * i, 1.5, n)
        # Every group and class at least 10 rows at each site: nothing masked by default.
        group = np.array([GROUPS[j % 3] for j in range(n)], dtype=object)
        rng.shuffle(group)
        effect = np.select([group == "left", group == "right"], [0.0, 1.5], 3.0)
        y = 3.0 + 0.4 * x1 - 1.2 * x2 + effect + rng.normal(0, 2.0, n)
        logit = -0.5 + 0.08 * (x1 - 55) + 0.6 * x2 - 0.4 * effect
        outcome = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
        rows[name] = [[round(float(a), 6), round(float(b), 6), round(float(c), 6), str(d),
                       str(e)] for a, b, c, d, e in zip(y, x1, x2, group, outcome, strict=True)]
    return rows


ROWS_BY_SITE = hospital_rows()


def write_csv(path: Path, dataset: str, rows: list[list[Any]]) -> Path:
    """One hospital's rows as a CSV with its ``dataset`` column (for ``woken load-data``)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", *COLUMNS])
        writer.writerows([dataset, *row] for row in rows)
    return path


def column(rows: list[list[Any]], code: str) -> np.ndarray:
    j = COLUMNS.index(code)
    values = [row[j] for row in rows]
    return np.asarray(values, dtype=np.float64 if code in ("y", "x1", "x2") else object)


def design(rows: list[list[Any]], covariables: list[str]) -> np.ndarray:
    blocks = [np.ones(len(rows))]
    for code in covariables:
        if code == "group":
            blocks += [(column(rows, code) == g).astype(float) for g in GROUPS[1:]]
        else:
            blocks.append(column(rows, code))
    return np.column_stack(blocks)


def pooled_ols(rows: list[list[Any]], covariables: list[str]) -> dict[str, np.ndarray]:
    x, y = design(rows, covariables), column(rows, "y")
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    df = len(y) - x.shape[1]
    sigma2 = residuals @ residuals / df
    se = np.sqrt(np.diag(np.linalg.inv(x.T @ x)) * sigma2)
    r2 = 1 - residuals @ residuals / ((y - y.mean()) @ (y - y.mean()))
    return {"beta": beta, "se": se, "t": beta / se,
            "p": 2 * stats.t.sf(np.abs(beta / se), df), "r2": np.array(r2)}


def pooled_logistic(rows: list[list[Any]], covariables: list[str]) -> dict[str, np.ndarray]:
    """Maximum likelihood by iteratively reweighted least squares, to convergence."""
    x = design(rows, covariables)
    y = (column(rows, "outcome") == "yes").astype(float)
    beta = np.zeros(x.shape[1])
    for _ in range(200):
        p = 1 / (1 + np.exp(-x @ beta))
        w = p * (1 - p)
        z = x @ beta + (y - p) / w
        new = np.linalg.solve((x * w[:, None]).T @ x, (x * w[:, None]).T @ z)
        if np.max(np.abs(new - beta)) < 1e-14:
            beta = new
            break
        beta = new
    p = 1 / (1 + np.exp(-x @ beta))
    se = np.sqrt(np.diag(np.linalg.inv((x * (p * (1 - p))[:, None]).T @ x)))
    return {"beta": beta, "se": se}


def pooled_type_ii(rows: list[list[Any]], factors: list[str], design_name: str
                   ) -> dict[str, tuple[int, float, float]]:
    """The type II table of y on the pooled rows, by least squares on each sub-model.

    Each term's (df, sum of squares, F), and the residual's (df, sum of squares, nan): a
    term's sum of squares is what it adds to every term not containing it (the
    definition statsmodels' ``anova_lm(typ=2)`` implements).
    """
    y = column(rows, "y")
    levels = {"group": GROUPS, "outcome": CLASSES}

    def coded(code: str) -> np.ndarray:
        if code in levels:
            return np.column_stack([column(rows, code) == level
                                    for level in levels[code][1:]]).astype(float)
        return column(rows, code).reshape(-1, 1)

    terms = {(code,): coded(code) for code in factors}
    if design_name == "factorial":
        for size in range(2, len(factors) + 1):
            for combination in itertools.combinations(factors, size):
                block = coded(combination[0])
                for code in combination[1:]:
                    other = coded(code)
                    block = np.column_stack([block[:, i] * other[:, j]
                                             for i in range(block.shape[1])
                                             for j in range(other.shape[1])])
                terms[combination] = block

    def rss(names: list[tuple[str, ...]]) -> tuple[float, int]:
        x = np.column_stack([np.ones(len(y)), *(terms[name] for name in names)])
        beta, *_ = np.linalg.lstsq(x, y, rcond=None)
        residuals = y - x @ beta
        return float(residuals @ residuals), int(np.linalg.matrix_rank(x))

    full, rank = rss(list(terms))
    df_residual = len(y) - rank
    table = {}
    for name in terms:
        others = [other for other in terms if not set(name) <= set(other)]
        without, rank_without = rss(others)
        with_term, rank_with = rss([*others, name])
        df = rank_with - rank_without
        table[":".join(name)] = (df, without - with_term,
                                 (without - with_term) / df / (full / df_residual))
    table["Residual"] = (df_residual, full, float("nan"))
    return table


def fold_parts(sites: dict[str, list[list[Any]]], k: int, seed: int, fold: int
               ) -> tuple[list[list[Any]], list[list[Any]]]:
    """The pooled training and test rows of one fold, each site split by ``fold_of_rows``."""
    train: list[list[Any]] = []
    test: list[list[Any]] = []
    for rows in sites.values():
        for row, f in zip(rows, fold_of_rows(len(rows), k, seed), strict=True):
            (test if f == fold else train).append(row)
    return train, test


def close(actual: Any, expected: Any) -> bool:
    return bool(np.allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                            rtol=1e-6, atol=1e-12))
