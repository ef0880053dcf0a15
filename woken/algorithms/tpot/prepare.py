"""The first step of every pipeline: missing values imputed, nominal columns one-hot.

The container gets one column per variable with its missing values kept (the shared
`ColumnEncoder`): a numeric column holds NaN where a value is missing, a nominal one
the index of its category. This step, fitted on the training rows only (inside each
internal fold too), makes them a complete numeric matrix:

- numeric columns: the training median fills a gap, and an indicator column says
  where one was (missingness itself can be informative in clinical data);
- nominal columns: the most frequent category fills a gap (with its indicator), then
  one indicator column per category of the metadata, so that train and test encode to
  the same columns even if a category is absent from the training rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder


def preparation(n_columns: int, nominal: Mapping[int, tuple[str, ...]]) -> ColumnTransformer:
    """An unfitted step for ``n_columns`` columns, of which ``nominal`` are category indices."""
    numeric = [column for column in range(n_columns) if column not in nominal]
    steps: list[tuple[str, object, list[int]]] = []
    if numeric:
        steps.append((
            "numeric",
            # keep_empty_features: a column missing in every training row stays a column
            # (of zeros), so that the matrix keeps its shape between folds.
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            numeric,
        ))
    if nominal:
        columns = sorted(nominal)
        steps.append((
            "nominal",
            make_pipeline(
                SimpleImputer(strategy="most_frequent", add_indicator=True,
                              keep_empty_features=True),
                ColumnTransformer(
                    [("one_hot", OneHotEncoder(
                        categories=[np.arange(len(nominal[c]), dtype=np.float64)
                                    for c in columns],
                        handle_unknown="ignore", sparse_output=False,
                    ), list(range(len(columns))))],
                    # The missing-value indicators after the categories pass through.
                    remainder="passthrough", sparse_threshold=0.0,
                ),
            ),
            columns,
        ))
    return ColumnTransformer(steps, sparse_threshold=0.0)
