"""Score objects checked against scikit-learn's metrics on real data and real model predictions."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.linear_model import LinearRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    explained_variance_score,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    multilabel_confusion_matrix,
    precision_score,
    r2_score,
    recall_score,
)
from sklearn.naive_bayes import GaussianNB

from woken.validation import (
    classification_score,
    kfold_score,
    make_folds,
    primary_metric,
    regression_score,
    score,
)


def _split_predictions(loader, model, seed: int = 0):
    """Train on a random half of a real data set, predict the other half (truth, predictions)."""
    data = loader()
    rows = np.random.default_rng(seed).permutation(len(data.target))
    train, test = rows[::2], rows[1::2]
    fitted = model.fit(data.data[train], data.target[train])
    predicted = fitted.predict(data.data[test])
    if hasattr(data, "target_names"):
        names = data.target_names
        return [str(names[i]) for i in data.target[test]], [str(names[i]) for i in predicted]
    return [float(v) for v in data.target[test]], [float(v) for v in predicted]


def _weighted_fpr(y_true, y_pred, labels) -> float:
    """Independent reference: per-class FP/(FP+TN) from scikit-learn, weighted by support."""
    per_class = multilabel_confusion_matrix(y_true, y_pred, labels=labels)
    tn, fp = per_class[:, 0, 0], per_class[:, 0, 1]
    support = per_class[:, 1, 0] + per_class[:, 1, 1]
    rates = np.divide(fp, fp + tn, out=np.zeros(len(labels)), where=(fp + tn) > 0)
    return float(np.average(rates, weights=support))


def _json_round_trip(value: dict) -> dict:
    return json.loads(json.dumps(value, allow_nan=False))


# --- regression -------------------------------------------------------------------------------


def test_regression_score_matches_scikit_learn_on_diabetes() -> None:
    y_true, y_pred = _split_predictions(load_diabetes, LinearRegression())
    result = regression_score(y_true, y_pred)
    assert result["type"] == "RegressionScore"
    assert set(result) == {"type", "MSE", "RMSE", "R-squared", "MAE", "Explained variance"}
    mse = mean_squared_error(y_true, y_pred)
    assert result["MSE"] == pytest.approx(mse, rel=1e-12)
    assert result["RMSE"] == pytest.approx(math.sqrt(mse), rel=1e-12)
    assert result["R-squared"] == pytest.approx(r2_score(y_true, y_pred), rel=1e-12)
    assert result["MAE"] == pytest.approx(mean_absolute_error(y_true, y_pred), rel=1e-12)
    assert result["Explained variance"] == pytest.approx(
        explained_variance_score(y_true, y_pred), rel=1e-12
    )
    assert 0.2 < result["R-squared"] < 0.7, "a linear model explains part of diabetes progression"
    assert _json_round_trip(result) == result
    assert all(type(v) is float for k, v in result.items() if k != "type")


def test_regression_metrics_differ_when_predictions_are_biased() -> None:
    y_true, y_pred = _split_predictions(load_diabetes, LinearRegression())
    biased = [v + 30.0 for v in y_pred]
    plain, shifted = regression_score(y_true, y_pred), regression_score(y_true, biased)
    # A constant bias costs R-squared but not explained variance (it ignores the mean error).
    assert shifted["R-squared"] < plain["R-squared"]
    assert shifted["Explained variance"] == pytest.approx(plain["Explained variance"])
    assert shifted["R-squared"] == pytest.approx(r2_score(y_true, biased))


@pytest.mark.parametrize(("y_true", "y_pred"), [([3.0, 3.0, 3.0], [3.0, 2.0, 4.0]), ([5.0], [4.0])])
def test_undefined_r_squared_and_explained_variance_are_none(y_true, y_pred) -> None:
    result = regression_score(y_true, y_pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not math.isfinite(r2_score(y_true, y_pred, force_finite=False))
    assert result["R-squared"] is None
    assert result["Explained variance"] is None
    assert result["MSE"] == pytest.approx(mean_squared_error(y_true, y_pred))
    assert _json_round_trip(result) == result


def test_a_constant_truth_of_inexact_floats_is_still_constant() -> None:
    # np.var([0.1] * 3) is 1.9e-34, not 0: R-squared must still be undefined, not -1e32.
    assert regression_score([0.1] * 3, [0.2, 0.1, 0.0])["R-squared"] is None


def test_regression_predictions_may_arrive_as_json_numbers_and_strings() -> None:
    assert regression_score([1, 2, 3], ["1.5", 2, 2.5]) == regression_score(
        [1.0, 2.0, 3.0], [1.5, 2.0, 2.5]
    )


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1.0, 2.0], [1.0], "2 true values but 1 predictions"),
        ([], [], "no rows to score"),
        ([1.0, 2.0], [1.0, None], "prediction 1 is not a number: None"),
        ([1.0, 2.0], [1.0, "abc"], "prediction 1 is not a number: 'abc'"),
        ([1.0, float("nan")], [1.0, 2.0], "truth 1 is not a finite number"),
        ([1.0, 2.0], [float("inf"), 2.0], "prediction 0 is not a finite number"),
    ],
)
def test_regression_refuses_bad_input(y_true, y_pred, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        regression_score(y_true, y_pred)


# --- classification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "labels"),
    [
        (load_iris, ["setosa", "versicolor", "virginica"]),
        # metadata order that is not sorted order, plus a code no row has
        (load_wine, ["class_2", "class_0", "unseen", "class_1"]),
    ],
)
def test_polynomial_score_matches_scikit_learn(loader, labels: list[str]) -> None:
    y_true, y_pred = _split_predictions(loader, GaussianNB())
    result = classification_score(y_true, y_pred, labels)
    assert result["type"] == "PolynomialClassificationScore"
    assert result["Confusion matrix"] == {
        "labels": labels,
        "values": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    assert result["Accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    for name, metric in [
        ("Weighted Recall", recall_score),
        ("Weighted Precision", precision_score),
        ("Weighted F1-score", f1_score),
    ]:
        expected = metric(y_true, y_pred, labels=labels, average="weighted", zero_division=0)
        assert result[name] == pytest.approx(expected, rel=1e-12), name
    assert result["Weighted false positive rate"] == pytest.approx(
        _weighted_fpr(y_true, y_pred, labels), rel=1e-12
    )
    assert 0.0 < result["Weighted false positive rate"] < 0.2
    assert _json_round_trip(result) == result


def test_a_class_never_seen_nor_predicted_keeps_its_row_and_column() -> None:
    labels = ["a", "b", "c", "d"]
    result = classification_score(["a", "a", "b", "b"], ["a", "b", "b", "b"], labels)
    assert result["Confusion matrix"]["values"] == [
        [1, 1, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
    ]
    assert result["Accuracy"] == 0.75
    # precision of "b" is 2/3, of "a" 1; weighted by support 2 and 2
    assert result["Weighted Precision"] == pytest.approx((1.0 * 2 + 2 / 3 * 2) / 4)
    # FPR of "a" 0/2, of "b" 1/2; weighted by support
    assert result["Weighted false positive rate"] == pytest.approx(0.25)


def test_weighted_metrics_use_zero_for_a_class_never_predicted() -> None:
    y_true, y_pred = ["a", "b", "c", "c"], ["a", "a", "c", "c"]
    result = classification_score(y_true, y_pred, ["a", "b", "c"])
    expected = precision_score(y_true, y_pred, average="weighted", zero_division=0)
    assert result["Weighted Precision"] == pytest.approx(expected)
    assert result["Weighted F1-score"] == pytest.approx(
        f1_score(y_true, y_pred, average="weighted", zero_division=0)
    )


@pytest.mark.parametrize("positive", ["malignant", "benign"])
def test_binary_score_matches_scikit_learn_for_the_first_label(positive: str) -> None:
    y_true, y_pred = _split_predictions(load_breast_cancer, GaussianNB())
    negative = "benign" if positive == "malignant" else "malignant"
    labels = [positive, negative]
    result = classification_score(y_true, y_pred, labels)
    assert result["type"] == "BinaryClassificationScore"
    assert result["positive_class"] == positive
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    assert result["Confusion matrix"] == {"labels": labels, "values": matrix.tolist()}
    assert result["Accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    assert result["Recall"] == pytest.approx(recall_score(y_true, y_pred, pos_label=positive))
    assert result["Precision"] == pytest.approx(precision_score(y_true, y_pred, pos_label=positive))
    assert result["F1-score"] == pytest.approx(f1_score(y_true, y_pred, pos_label=positive))
    (_, _), (fp, tn) = matrix
    assert result["False positive rate"] == pytest.approx(fp / (fp + tn))
    assert set(result) == {
        "type", "positive_class", "Confusion matrix", "Accuracy", "Recall", "Precision",
        "F1-score", "False positive rate",
    }
    assert _json_round_trip(result) == result


def test_binary_positive_class_is_metadata_order_not_sorted_order() -> None:
    y_true, y_pred = ["yes", "yes", "yes", "no"], ["yes", "no", "no", "no"]
    result = classification_score(y_true, y_pred, ["yes", "no"])
    assert result["positive_class"] == "yes"  # sorted order would make it "no"
    assert result["Recall"] == pytest.approx(1 / 3)
    assert result["Precision"] == 1.0
    assert result["False positive rate"] == 0.0


def test_binary_ratios_without_positive_predictions_are_zero() -> None:
    y_true, y_pred = ["p", "n", "n"], ["n", "n", "n"]
    result = classification_score(y_true, y_pred, ["p", "n"])
    assert result["Precision"] == precision_score(y_true, y_pred, pos_label="p", zero_division=0)
    assert result["Precision"] == 0.0
    assert result["F1-score"] == 0.0
    assert result["Recall"] == 0.0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "labels", "message"),
    [
        (["a", "b"], ["a"], ["a", "b", "c"], "2 true values but 1 predictions"),
        (["a", "b"], ["a", "z"], ["a", "b", "c"], r"prediction 1 is 'z', not one of .*'a', 'b'"),
        (["a", "x"], ["a", "b"], ["a", "b"], "truth 1 is 'x', not one of"),
        (["a", "b"], ["a", 1], ["a", "b"], "prediction 1 is 1, not one of"),
        (["a"], ["a"], [], "needs the target's labels"),
        (["a"], ["a"], ["a", "b", "a"], "labels repeat a code"),
        ([], [], ["a", "b"], "no rows to score"),
    ],
)
def test_classification_refuses_bad_input(y_true, y_pred, labels, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        classification_score(y_true, y_pred, labels)


# --- dispatch and ranking ---------------------------------------------------------------------


def test_score_dispatches_on_the_problem() -> None:
    assert score("regression", [1.0, 2.0, 4.0], [1.0, 2.5, 3.0]) == regression_score(
        [1.0, 2.0, 4.0], [1.0, 2.5, 3.0]
    )
    labels = ["x", "y", "z"]
    assert score("classification", ["x", "y"], ["x", "x"], labels) == classification_score(
        ["x", "y"], ["x", "x"], labels
    )
    with pytest.raises(ValueError, match="needs the target's labels"):
        score("classification", ["x"], ["x"])
    with pytest.raises(ValueError, match="unknown problem 'clustering'"):
        score("clustering", [1.0], [1.0])


def test_primary_metrics() -> None:
    assert primary_metric("classification") == ("Accuracy", True)
    assert primary_metric("regression") == ("R-squared", True)
    with pytest.raises(ValueError, match="unknown problem"):
        primary_metric("survival")


# --- k-fold -----------------------------------------------------------------------------------


def _cross_validate(loader, model, k: int, problem: str):
    """Real k-fold cross-validation with our folds: per fold (truths, predictions), and labels."""
    data = loader()
    names = getattr(data, "target_names", None)
    is_classification = problem == "classification"
    target = [str(names[i]) for i in data.target] if is_classification else data.target
    folds = make_folds(len(target), k, seed=2024, labels=target if is_classification else None)
    truths, predictions = [], []
    for fold in folds:
        train, test = list(fold.train_rows), list(fold.test_rows)
        model.fit(data.data[train], np.asarray(target)[train])
        predicted = model.predict(data.data[test])
        if is_classification:
            truths.append([target[i] for i in test])
            predictions.append([str(p) for p in predicted])
        else:
            truths.append([float(target[i]) for i in test])
            predictions.append([float(p) for p in predicted])
    labels = [str(n) for n in names] if is_classification else None
    return truths, predictions, labels


@pytest.mark.parametrize(
    ("loader", "model", "k", "problem"),
    [
        (load_iris, GaussianNB(), 5, "classification"),
        (load_breast_cancer, GaussianNB(), 4, "classification"),
        (load_diabetes, LinearRegression(), 10, "regression"),
    ],
)
def test_kfold_score_pools_the_average_and_summarises_the_folds(loader, model, k, problem) -> None:
    truths, predictions, labels = _cross_validate(loader, model, k, problem)
    result = kfold_score(truths, predictions, problem, labels)
    assert result["type"] == "KFoldCrossValidationScore"
    assert result["average_method"] == "pooled"
    pooled = score(
        problem, [v for t in truths for v in t], [v for p in predictions for v in p], labels
    )
    assert result["average"] == pooled
    assert list(result["folds"]) == [str(i) for i in range(k)]
    for i in range(k):
        assert result["folds"][str(i)] == score(problem, truths[i], predictions[i], labels)
    metrics = [m for m in pooled if m not in {"type", "positive_class", "Confusion matrix"}]
    assert list(result["fold_mean"]) == metrics
    assert list(result["fold_std"]) == metrics
    for metric in metrics:
        per_fold = [result["folds"][str(i)][metric] for i in range(k)]
        assert result["fold_mean"][metric] == pytest.approx(np.mean(per_fold), rel=1e-12)
        assert result["fold_std"][metric] == pytest.approx(np.std(per_fold), rel=1e-12, abs=1e-15)
    assert _json_round_trip(result) == result


def test_pooled_confusion_matrix_is_the_sum_of_the_folds() -> None:
    truths, predictions, labels = _cross_validate(load_wine, GaussianNB(), 5, "classification")
    result = kfold_score(truths, predictions, "classification", labels)
    summed = np.sum([f["Confusion matrix"]["values"] for f in result["folds"].values()], axis=0)
    assert result["average"]["Confusion matrix"]["values"] == summed.tolist()
    assert int(summed.sum()) == len(load_wine().target)


def test_pooled_average_differs_from_the_mean_of_folds_of_unequal_size() -> None:
    truths = [[1.0, 2.0, 3.0, 4.0], [10.0, 20.0]]
    predictions = [[1.0, 2.0, 3.0, 5.0], [12.0, 20.0]]
    result = kfold_score(truths, predictions, "regression")
    assert result["average"]["MAE"] == pytest.approx(3.0 / 6)
    assert result["fold_mean"]["MAE"] == pytest.approx((0.25 + 1.0) / 2)
    assert result["fold_std"]["MAE"] == pytest.approx(0.375)


def test_fold_mean_skips_folds_where_a_metric_is_undefined() -> None:
    truths = [[5.0, 5.0], [1.0, 3.0], [2.0, 6.0]]
    predictions = [[5.0, 4.0], [1.0, 2.0], [3.0, 5.0]]
    result = kfold_score(truths, predictions, "regression")
    assert result["folds"]["0"]["R-squared"] is None
    defined = [result["folds"][i]["R-squared"] for i in ("1", "2")]
    assert result["fold_mean"]["R-squared"] == pytest.approx(np.mean(defined))
    assert result["fold_std"]["R-squared"] == pytest.approx(np.std(defined))
    assert result["average"]["R-squared"] is not None


def test_a_class_absent_from_a_training_fold_is_still_scored() -> None:
    # "rare" has one member: the fold that tests it trained without it and cannot predict it.
    labels_in_metadata = ["rare", "common", "other"]
    target = ["common"] * 16 + ["other"] * 8 + ["rare"]
    folds = make_folds(len(target), 4, seed=9, labels=target)
    truths, predictions = [], []
    for fold in folds:
        seen = [target[r] for r in fold.train_rows]
        truths.append([target[r] for r in fold.test_rows])
        predictions.append([max(set(seen), key=seen.count)] * len(fold.test_rows))
    (rare_fold,) = [f for f in folds if "rare" not in [target[r] for r in f.train_rows]]
    result = kfold_score(truths, predictions, "classification", labels_in_metadata)
    tested = result["folds"][str(rare_fold.index)]["Confusion matrix"]
    assert tested["labels"] == labels_in_metadata
    assert tested["values"][0] == [0, 1, 0], "the rare row, predicted as the majority"
    assert [row[0] for row in tested["values"]] == [0, 0, 0], "rare is never predicted"
    for index, fold_score in result["folds"].items():
        assert fold_score["Confusion matrix"]["labels"] == labels_in_metadata
        if index != str(rare_fold.index):
            assert fold_score["Confusion matrix"]["values"][0] == [0, 0, 0]
    assert result["average"]["Confusion matrix"]["values"][0] == [0, 1, 0]


@pytest.mark.parametrize(
    ("truths", "predictions", "message"),
    [
        ([[1.0], [2.0]], [[1.0]], "2 folds of truth but 1 folds of predictions"),
        ([], [], "no folds to score"),
        ([[1.0, 2.0], [2.0]], [[1.0, 2.0], [2.0, 3.0]], "fold 1: 1 true values but 2 predictions"),
    ],
)
def test_kfold_score_refuses_mismatched_folds(truths, predictions, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kfold_score(truths, predictions, "regression")
