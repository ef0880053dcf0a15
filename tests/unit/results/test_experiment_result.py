"""The experiment's answer: entries in the original's shape, and the leaderboard."""

from __future__ import annotations

from woken.results.experiment import algorithm_entry, experiment_result, leaderboard


def scored_entry(code: str, mean: float | None, std: float = 0.1) -> dict:
    score = {"fold_mean": {"Accuracy": mean}, "fold_std": {"Accuracy": std},
             "average": {"Accuracy": mean}}
    validation = {"code": "kfold", "name": "kfold", "node": "local", "data": score}
    entry = algorithm_entry(code, code.upper(), "job", {"k": 1}, None, [validation])
    entry["fitTime"] = 0.5
    return entry


def test_a_model_object_carries_its_validations_in_cells() -> None:
    entry = algorithm_entry("knn", "KNN", "j1", {"k": 5}, None, [{"code": "kfold"}])
    assert entry["data"]["cells"]["validations"]["init"] == [{"code": "kfold"}]
    assert entry["error"] is None


def test_a_model_that_is_not_an_object_keeps_its_validations_beside_it() -> None:
    entry = algorithm_entry("histograms", "H", "j1", [1, 2], None, [{"code": "kfold"}])
    assert entry["data"] == [1, 2]
    assert entry["validations"] == [{"code": "kfold"}]


def test_a_failed_algorithm_has_its_error_and_no_data() -> None:
    entry = algorithm_entry("knn", "KNN", "j1", None, "exit code 3", [])
    assert entry["data"] is None and entry["error"] == "exit code 3"


def test_leaderboard_ranks_by_mean_and_puts_the_unscored_last() -> None:
    entries = [
        scored_entry("a", 0.7),
        algorithm_entry("b", "B", "j", None, "crashed", []),
        scored_entry("c", 0.9),
        None,
        scored_entry("d", None),
    ]
    board = leaderboard(entries, "classification")
    assert board["metric"] == "Accuracy"
    codes = [(row.get("code"), row["rank"]) for row in board["rows"]]
    assert codes[:2] == [("c", 1), ("a", 2)]
    assert {code for code, rank in codes[2:]} == {"b", None, "d"}
    reasons = {row.get("code"): row.get("reason") for row in board["rows"][2:]}
    assert reasons["b"] == "crashed"
    assert reasons[None] == "not finished"


def test_experiment_result_keeps_data_an_array_in_request_order() -> None:
    result = experiment_result("e1", "local", [scored_entry("x", 0.5), None], "classification")
    # Honest: the models are JSON documents, not PFA (the 2017 label was "pfa_json").
    assert result["shape"] == "json" and result["function"] == "experiment"
    assert result["type"] == "application/json" and result["algorithm"] == "experiment"
    assert [e and e["code"] for e in result["data"]] == ["x", None]
    assert result["leaderboard"]["rows"][0]["rank"] == 1
