"""The leaderboard as CSV: ranked rows first, unscored with their reason, nested values as JSON."""

from __future__ import annotations

import csv
import io

from woken.results.leaderboard_csv import leaderboard_csv


def test_rows_and_reasons_are_kept_and_nested_values_are_json() -> None:
    text = leaderboard_csv({"metric": "Accuracy", "rows": [
        {"rank": 1, "index": 1, "code": "knn", "name": "KNN", "mean": 0.9, "std": 0.01,
         "pooled": 0.91, "parameters": [{"code": "k", "value": "5"}]},
        {"rank": None, "index": 0, "code": "tpot", "name": "TPOT", "reason": "it failed, badly"},
    ]})
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["rank"], r["code"], r["metric"]) for r in rows] == [
        ("1", "knn", "Accuracy"), ("", "tpot", "Accuracy")]
    assert rows[0]["mean"] == "0.9" and rows[0]["parameters"] == '[{"code": "k", "value": "5"}]'
    assert rows[1]["reason"] == "it failed, badly"


def test_no_leaderboard_yet_is_the_header_alone() -> None:
    assert leaderboard_csv(None).splitlines() == [
        "rank,index,code,name,metric,mean,std,pooled,fitTime,parameters,pipeline,reason"]
