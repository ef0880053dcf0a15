"""The 2019 form of an experiment's answer: dialect, whole results, folds from 1, 2019 names."""

from __future__ import annotations

from woken.results.experiment_2019 import EXPERIMENT_TYPE, experiment_2019, is_2019_request

PFA = {"name": "kNN", "method": "map", "input": {"type": "record", "name": "Input",
                                                  "fields": []},
       "output": "string", "action": [], "cells": {"validations": {"type": {}, "init": [
           {"code": "kfold", "name": "kfold", "node": "local", "data": {
               "type": "KFoldCrossValidationScore",
               "average": {"type": "PolynomialClassificationScore", "Weighted Recall": 0.5,
                           "Weighted Precision": 0.25, "Accuracy": 0.5},
               "folds": {"0": {"Weighted Recall": 0.4}, "1": {"Weighted Recall": 0.6}}}}]}}}


def test_a_request_is_2019_when_it_uses_a_2019_field() -> None:
    assert is_2019_request({"variables": [], "user": {"code": "u"}})
    assert is_2019_request({"targetTable": {"name": "sample_data"}})
    assert not is_2019_request({"variables": [], "algorithms": [], "validations": []})
    assert not is_2019_request(None)


def test_entries_become_whole_results_with_2019_scores() -> None:
    result = {"jobId": "e", "node": "local", "timestamp": 1.0, "type": "application/json",
              "query": {"variables": [{"code": "dx"}]}, "dataProvenance": [{"code": "d"}],
              "feedback": [],
              "data": [{"code": "knn", "name": "KNN", "jobId": "j", "data": PFA, "error": None},
                       {"code": "tpot", "name": "AutoML", "jobId": "t", "data": {"a": 1},
                        "error": None},
                       {"code": "anova", "name": "A", "jobId": None, "data": None,
                        "error": "refused"}]}
    request = {"user": {"code": "u"},
               "algorithms": [{"code": "knn", "parameters": [{"code": "k", "value": "5"}]},
                              {"code": "tpot", "parameters": []},
                              {"code": "anova", "parameters": []}],
               "validations": [{"code": "kfold", "parameters": [{"code": "k", "value": "2"}]}]}
    answer = experiment_2019(result, request)
    assert answer["type"] == EXPERIMENT_TYPE
    knn, tpot, anova = answer["data"]
    assert [knn["type"], tpot["type"], anova["type"]] == [
        "application/pfa+json", "application/json", "text/plain+error"]
    assert knn["algorithmSpec"] == request["algorithms"][0]
    assert knn["query"]["algorithm"] == request["algorithms"][0]
    assert knn["dataProvenance"] == [{"code": "d"}] and knn["jobId"] == "j"
    (validation,) = knn["data"]["cells"]["validations"]["init"]
    assert validation["validationSpec"] == request["validations"][0]
    assert validation["data"]["average"]["Weighted recall"] == 0.5
    assert validation["data"]["average"]["Weighted precision"] == 0.25
    assert validation["data"]["folds"] == {"1": {"Weighted recall": 0.4},
                                           "2": {"Weighted recall": 0.6}}
    assert anova["error"] == "refused"
    # The 2017 entry is not changed in place.
    assert "Weighted Recall" in PFA["cells"]["validations"]["init"][0]["data"]["average"]
