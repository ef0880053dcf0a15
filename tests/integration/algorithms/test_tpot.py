"""tpot: a real TPOT search, kept tiny (2 generations x 8 pipelines, cv = 3, light space).

One iris volume is trained and tested through the real entrypoint once per module;
the other tests reuse it or run the commands in this process. A real search needs
minutes and belongs to the benchmark, not here.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
import sklearn
from sklearn.metrics import r2_score
from sklearn.utils import all_estimators

from tests.unit.algorithms.volumes import (
    ALGORITHMS_DIR,
    diabetes,
    iris,
    nominal,
    read_result,
    run_entrypoint,
    write_volume,
)
from woken.algorithms.common.model_store import model_path
from woken.algorithms.common.runner import dispatch
from woken.algorithms.tpot import portfolio, search
from woken.algorithms.tpot.algorithm import HANDLERS
from woken.algorithms.tpot.model import library_versions
from woken.catalogue.registry import Registry

FAST = {"generations": "2", "population_size": "8", "cv": "3", "search_space": "linear-light"}
TRAIN = list(range(0, 150, 2))
TEST = list(range(1, 150, 2))
CLASSIFIERS = {name for name, _ in all_estimators(type_filter="classifier")}
REGRESSORS = {name for name, _ in all_estimators(type_filter="regressor")}


@pytest.fixture(scope="module")
def iris_volume(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An iris volume after `train` then `test`, each run by the real entrypoint."""
    species, features = iris()
    volume = write_volume(tmp_path_factory.mktemp("iris"), algorithm="tpot", variables=[species],
                          covariables=features, parameters=FAST, train_rows=TRAIN,
                          test_rows=TEST)
    for command in ("train", "test"):
        completed = run_entrypoint("tpot", volume, command)
        assert completed.returncode == 0, completed.stderr
    return volume


def _copy(volume: Path, directory: Path) -> Path:
    shutil.copytree(volume, directory / "volume")
    return directory / "volume"


def test_iris_train_then_test_predicts_decoded_classes_well(iris_volume: Path) -> None:
    species, _ = iris()
    predictions = read_result(iris_volume, "test")["data"]["predictions"]
    assert len(predictions) == len(TEST)
    assert set(predictions) <= {"setosa", "versicolor", "virginica"}  # codes, not TPOT's ints
    truth = species.array[TEST]
    assert np.mean(np.asarray(predictions) == truth) > 0.8  # chance is 1/3
    model = read_result(iris_volume, "train")["data"]
    assert model["problem_type"] == "classification" and model["n_training"] == len(TRAIN)
    assert model["classes"] == ["setosa", "versicolor", "virginica"]
    assert model["estimator"] in CLASSIFIERS and model["steps"][-1] == model["estimator"]
    assert model_path(iris_volume).is_file()


def test_train_reports_the_pipeline_the_search_and_the_versions(iris_volume: Path) -> None:
    model = read_result(iris_volume, "train")["data"]
    assert model["pipeline"].startswith(("Pipeline(steps=[", "VotingClassifier("))
    assert model["settings"] == {
        "problem_type": "classification", "max_time_mins": 1.0, "generations": 2,
        "population_size": 8, "cv": 3, "random_state": 42, "scoring": "accuracy",
        "search_space": "linear-light", "max_eval_time_mins": 1.0,
    }
    summary = model["search"]
    assert summary["scoring"] == "accuracy" and summary["generations_completed"] == 2
    assert summary["pipelines_evaluated"] == 16
    assert summary["pipelines_failed"] + summary["pipelines_timed_out"] < 16
    board = summary["leaderboard"]
    assert 1 <= len(board) <= search.LEADERBOARD_SIZE
    assert [row["rank"] for row in board] == list(range(1, len(board) + 1))
    scores = [row["score"] for row in board]
    assert scores == sorted(scores, reverse=True)
    assert summary["best_cv_score"] == pytest.approx(scores[0])
    assert 0.8 < summary["best_cv_score"] <= 1
    assert len({row["pipeline"] for row in board}) == len(board)
    assert model["versions"]["tpot"] == "1.1.0"
    assert model["versions"]["scikit-learn"] == sklearn.__version__
    saved = json.loads((iris_volume / "model" / "versions.json").read_text())
    assert saved == model["versions"]


def test_a_search_bounded_by_generations_is_reproducible(
    iris_volume: Path, tmp_path: Path
) -> None:
    volume = _copy(iris_volume, tmp_path)
    assert dispatch(HANDLERS, ["train"], volume) == 0
    again = read_result(volume, "train")["data"]
    first = read_result(iris_volume, "train")["data"]
    assert again["pipeline"] == first["pipeline"]
    assert again["search"]["leaderboard"] == first["search"]["leaderboard"]


def test_diabetes_is_a_regression_with_a_regressor_pipeline(tmp_path: Path) -> None:
    target, features = diabetes()
    train, test = list(range(300)), list(range(300, 442))
    volume = write_volume(tmp_path, algorithm="tpot", variables=[target], covariables=features,
                          parameters={**FAST, "scoring": "auto"}, train_rows=train,
                          test_rows=test)
    assert dispatch(HANDLERS, ["train"], volume) == 0
    model = read_result(volume, "train")["data"]
    assert model["problem_type"] == "regression" and model["classes"] is None
    assert model["estimator"] in REGRESSORS
    assert model["search"]["scoring"] == "r2"
    assert dispatch(HANDLERS, ["test"], volume) == 0
    predictions = read_result(volume, "test")["data"]["predictions"]
    assert len(predictions) == len(test) and all(isinstance(p, float) for p in predictions)
    assert r2_score(target.array[test], predictions) > 0.2


def test_compute_describes_the_model_and_keeps_it(tmp_path: Path) -> None:
    species, features = iris()
    site = nominal("site", ["north" if i % 3 else "south" for i in range(150)])
    volume = write_volume(tmp_path, algorithm="tpot", variables=[species],
                          covariables=[*features[2:], site],
                          parameters={**FAST, "scoring": "balanced_accuracy"})
    assert dispatch(HANDLERS, ["compute"], volume) == 0
    result = read_result(volume, "compute")
    assert result["shape"] == "json"
    model = result["data"]
    # One column per variable: the pipeline itself one-hot encodes the nominal ones.
    assert model["feature_names"] == ["petal_length_cm", "petal_width_cm", "site"]
    assert model["n_training"] == 150
    assert model["pipeline"].startswith(("Pipeline(", "VotingClassifier("))
    assert model["search"]["scoring"] == "balanced_accuracy"
    assert model["search"]["pipelines_evaluated"] > 0 and model["search"]["leaderboard"]
    assert model["versions"] == library_versions()
    # Kept, as every predictive compute keeps its model: the experiment serves it.
    assert model_path(volume).is_file()


def test_test_without_train_fails_clearly(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="tpot", variables=[species], covariables=features,
                          test_rows=[0, 1])
    completed = run_entrypoint("tpot", volume, "test")
    message = f"no trained model in {volume}/model: run train first"
    assert completed.returncode == 1 and message in completed.stderr
    assert read_result(volume, "test") == {"shape": "error", "data": None, "error": message}


def test_an_unknown_command_exits_2(tmp_path: Path) -> None:
    completed = run_entrypoint("tpot", tmp_path, "search")
    assert completed.returncode == 2
    assert "unknown command 'search': this algorithm knows compute, train, test" in (
        completed.stderr
    )


def test_a_model_of_other_versions_is_refused_before_loading(
    iris_volume: Path, tmp_path: Path
) -> None:
    volume = _copy(iris_volume, tmp_path)
    versions = volume / "model" / "versions.json"
    versions.write_text(json.dumps({**json.loads(versions.read_text()), "tpot": "0.12.2"}))
    # Were the pickle loaded, this would be the error: it must not be reached.
    model_path(volume).write_bytes(b"not a pickle")
    assert dispatch(HANDLERS, ["test"], volume) == 1
    error = read_result(volume, "test")["error"]
    assert error == (
        f"the model in {volume}/model was trained with tpot 0.12.2; this image has tpot "
        "1.1.0: a pipeline only loads with the versions that trained it, run train again"
    )


def test_the_versions_inside_the_model_are_checked_too(
    iris_volume: Path, tmp_path: Path
) -> None:
    volume = _copy(iris_volume, tmp_path)
    trained = joblib.load(model_path(volume))
    versions = {**trained.estimator.versions, "scikit-learn": "1.5.0"}
    # The shared store's own check reads the TrainedModel's field: keep it current.
    joblib.dump(replace(trained, estimator=replace(trained.estimator, versions=versions)),
                model_path(volume))
    assert dispatch(HANDLERS, ["test"], volume) == 1
    assert "was trained with scikit-learn 1.5.0; this image has scikit-learn" in (
        read_result(volume, "test")["error"]
    )
    (volume / "model" / "versions.json").unlink()
    assert dispatch(HANDLERS, ["test"], volume) == 1
    assert "has no versions.json" in read_result(volume, "test")["error"]


@pytest.mark.parametrize(("parameters", "message"), [
    ({"scoring": "accuracy"},
     "scoring 'accuracy' is for classification, but this target poses a regression problem"),
    ({"scoring": "recall"}, "parameter 'scoring' must be one of auto, accuracy,"),
    ({"cv": "1"}, "parameter 'cv' must be between 2 and 10, got 1"),
    ({"max_time_mins": "0"}, "parameter 'max_time_mins' must be between 0.05 and 1440, got 0"),
    ({"search_space": "graph"}, "parameter 'search_space' must be one of linear, linear-light"),
])
def test_bad_parameters_fail_before_any_search(
    tmp_path: Path, parameters: dict[str, str], message: str
) -> None:
    target, features = diabetes()
    volume = write_volume(tmp_path, algorithm="tpot", variables=[target], covariables=features,
                          parameters=parameters)
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert message in read_result(volume, "compute")["error"]


@pytest.mark.parametrize(("rows", "message"), [
    ([0, 1, 2], "the training rows hold a single class of 'species' (setosa)"),
    ([0, 60], "2 training rows are too few for cv = 3 internal folds"),
])
def test_training_rows_that_cannot_be_searched_fail_clearly(
    tmp_path: Path, rows: list[int], message: str
) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="tpot", variables=[species], covariables=features,
                          parameters=FAST, train_rows=rows)
    assert dispatch(HANDLERS, ["train"], volume) == 1
    assert read_result(volume, "train")["error"].startswith(message)


class _FailingSearch:
    """Stands for TPOT when its search ends in one of its bare exceptions."""

    def __init__(self, message: str) -> None:
        self.message = message

    def fit(self, X: Any, y: Any) -> None:
        raise Exception(self.message)


@pytest.mark.parametrize(("tpot_message", "message"), [
    # TPOT 1.1's own words (tpot/evolvers/base_evolver.py), measured with a 3 s budget.
    (("No individuals could be evaluated in the initial population as the max_eval_mins time "
      "limit was reached before any individuals could be evaluated."),
     "s left of the time budget of 1 min ran out after"),
    (("No individuals could be evaluated in the initial population. This may indicate a bug "
      "in the configuration, included models, or objective functions."),
     "every pipeline of TPOT's first generation failed on these rows"),
    ("something else", "Exception: something else"),
])
def test_a_search_that_scores_nothing_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tpot_message: str, message: str
) -> None:
    monkeypatch.setattr(search, "_estimator", lambda *_: _FailingSearch(tpot_message))
    monkeypatch.setattr(search, "members", lambda problem: portfolio.members(problem)[:2])
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="tpot", variables=[species], covariables=features,
                          parameters={**FAST, "max_time_mins": "1"})
    # TPOT's failure costs the search its evolution, not its answer: the portfolio's best.
    assert dispatch(HANDLERS, ["compute"], volume) == 0
    summary = read_result(volume, "compute")["data"]["search"]
    assert summary["budget"]["tpot"].startswith("failed: ")
    assert message in summary["budget"]["tpot"]
    assert summary["chosen"]["source"] in {"portfolio", "ensemble"}


def test_the_manifest_states_the_parameters_of_the_search() -> None:
    spec = Registry.load(ALGORITHMS_DIR).get("tpot")
    parameters: dict[str, Any] = {p.code: p for p in spec.parameters}
    assert parameters["scoring"].default_value == search.AUTO
    assert parameters["scoring"].values == (
        search.AUTO, *search.SCORERS["classification"], *search.SCORERS["regression"]
    )
    assert parameters["search_space"].values == ("linear", "linear-light")
    assert spec.resolve_parameters([]) == {
        "max_time_mins": "1", "generations": "5", "population_size": "20", "cv": "5",
        "random_state": "42", "scoring": "auto", "search_space": "linear",
    }
    assert spec.budget_parameter == "max_time_mins"
    assert (spec.predictive, spec.type, spec.commands) == (
        True, "predictive_model", ("compute", "train", "test")
    )


# --- the search with a real TPOT: reproducible with a seed and a generation bound --------


SMALL = search.SearchSettings(
    problem_type="regression", max_time_mins=1.0, generations=1, population_size=4, cv=3,
    random_state=7, scoring="r2", search_space="linear-light",
)


def test_a_regression_with_gaps_is_reproducible_with_a_seed_and_a_generation_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three members, so that the budget, not the load, never cuts the portfolio short.
    monkeypatch.setattr(search, "members", lambda problem: portfolio.members(problem)[:3])
    target, features = diabetes()
    X = np.column_stack([f.array for f in features[:4]]).astype(float)[:120]
    X[::9, 1] = np.nan
    y = target.array[:120].astype(float)
    settings = SMALL
    first = search.run_search(settings, X, y, {})
    again = search.run_search(settings, X, y, {})
    assert first.summary["budget"]["tpot"] == "ran"
    assert first.summary["generations_completed"] == 1  # the bound ended it, not the time
    assert again.summary["chosen"] == {**first.summary["chosen"],
                                       "seconds": again.summary["chosen"]["seconds"]}
    assert [m["cv_score"] for m in again.summary["portfolio"]] == [
        m["cv_score"] for m in first.summary["portfolio"]]
    assert np.array_equal(first.pipeline.predict(X), again.pipeline.predict(X))
