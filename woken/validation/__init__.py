"""Cross-validation without I/O: the folds of a k-fold validation and the scores of its predictions.

- ``make_folds(n_rows, k, seed, labels=None) -> list[Fold]``: deterministic
  (stratified for classification) folds of the selected rows.
- ``check_k(raw, n_rows) -> int``: the ``k`` parameter of a ``kfold`` validation.
- ``score(problem, y_true, y_pred, labels=None)``, ``regression_score``,
  ``classification_score``: the score objects the portal shows.
- ``kfold_score(fold_truths, fold_predictions, problem, labels=None)``: the
  ``KFoldCrossValidationScore`` (pooled average, per-fold scores, fold mean/std).
- ``primary_metric(problem) -> (metric, higher_is_better)``: how algorithms are ranked.

Both modules are pure, so the actors that run the jobs can call them from any
thread and the tests need nothing but data.
"""

from woken.validation.folds import K_DEFAULT, K_MAX, K_MIN, Fold, check_k, make_folds
from woken.validation.scores import (
    CLASSIFICATION,
    REGRESSION,
    classification_score,
    kfold_score,
    primary_metric,
    regression_score,
    score,
)

__all__ = [
    "CLASSIFICATION",
    "K_DEFAULT",
    "K_MAX",
    "K_MIN",
    "REGRESSION",
    "Fold",
    "check_k",
    "classification_score",
    "kfold_score",
    "make_folds",
    "primary_metric",
    "regression_score",
    "score",
]
