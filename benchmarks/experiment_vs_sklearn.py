"""Benchmark: one k-fold experiment through Woken's HTTP API vs scikit-learn in-process.

Runs, in the same process run and on the same machine:

- Woken: `woken serve` on the embedded default (SQLite, local process backend),
  then `POST /mining/experiment` with 3 algorithms x 10 folds on a bundled data
  set, timed from the request to the answer (each launcher of the local backend
  in turn: `exec`, a fresh interpreter per job, and `fork`, the warm fork server);
- the baseline: scikit-learn's `cross_validate` on the same algorithms, rows and
  folds, plus the fit on all rows that Woken's answer also holds; its first round
  (cold: joblib and scikit-learn set themselves up) and the median of the others
  (warm) are both reported.

Prints the wall times, their ratio and the per-job overhead. Usage:

    .venv/bin/python benchmarks/experiment_vs_sklearn.py [--k 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import requests
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.server import woken_server
from woken.validation.folds import make_folds

DATASET = "breast_cancer"
TARGET = "diagnosis"
ALGORITHMS = [
    ("knn", "KNN k=5", [{"code": "k", "value": "5"}], KNeighborsClassifier(5)),
    ("naiveBayes", "Gaussian naive Bayes", [], GaussianNB()),
    ("knn", "KNN k=15", [{"code": "k", "value": "15"}], KNeighborsClassifier(15)),
]
SEED = 2026


def features() -> tuple[list[str], np.ndarray, np.ndarray]:
    data = load_breast_cancer()
    codes = [name.replace(" ", "_") for name in data.feature_names]
    labels = np.array(["malignant", "benign"])[data.target]
    return codes, data.data, labels


def experiment_body(codes: list[str], k: int) -> dict:
    return {
        "variables": [{"code": TARGET}],
        "covariables": [{"code": code} for code in codes],
        "grouping": [], "filters": "", "datasets": [{"code": DATASET}], "seed": SEED,
        "algorithms": [{"code": c, "name": n, "parameters": p} for c, n, p, _ in ALGORITHMS],
        "validations": [{"code": "kfold", "name": "kfold",
                         "parameters": [{"code": "k", "value": str(k)}]}],
    }


def time_woken(launcher: str, body: dict, repeat: int) -> tuple[list[float], dict]:
    times, result = [], {}
    with tempfile.TemporaryDirectory() as tmp, woken_server(
        Path(tmp) / "var", {"WOKEN_LOCAL_LAUNCHER": launcher}
    ) as woken:
        requests.post(f"{woken.url}/mining/experiment", json=body, timeout=600)  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            answer = requests.post(f"{woken.url}/mining/experiment", json=body, timeout=600)
            times.append(time.perf_counter() - started)
            answer.raise_for_status()
            result = answer.json()
    errors = [e["error"] for e in result["data"] if e["error"]]
    if errors:
        raise SystemExit(f"the experiment failed: {errors}")
    return times, result


def time_sklearn(x: np.ndarray, y: np.ndarray, k: int, repeat: int) -> tuple[float, list[float]]:
    """The first round (cold: joblib and scikit-learn set themselves up) and the others."""
    folds = make_folds(len(y), k, SEED, list(y))
    splits = [(np.array(f.train_rows), np.array(f.test_rows)) for f in folds]
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        for *_, model in ALGORITHMS:
            clone(model).fit(x, y)
            cross_validate(clone(model), x, y, cv=splits, scoring="accuracy")
        times.append(time.perf_counter() - started)
    return times[0], times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--launchers", default="exec,fork")
    args = parser.parse_args()

    codes, x, y = features()
    body = experiment_body(codes, args.k)
    jobs = len(ALGORITHMS) * (1 + 2 * args.k)
    cold, warm = time_sklearn(x, y, args.k, args.repeat)
    baseline = statistics.median(warm)
    print(f"data set {DATASET}: {len(y)} rows x {len(codes)} features; "
          f"{len(ALGORITHMS)} algorithms x {args.k} folds = {jobs} jobs")
    print(f"scikit-learn in-process (cross_validate + fit on all rows): {baseline:8.3f} s warm "
          f"(median of {args.repeat}), {cold:.3f} s cold (the first round of the process)")
    for launcher in args.launchers.split(","):
        times, result = time_woken(launcher, body, args.repeat)
        woken = statistics.median(times)
        print(f"woken, local backend, launcher={launcher:5}: {woken:8.3f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)})  "
              f"ratio {woken / baseline:6.1f}x warm, {woken / cold:5.1f}x cold  "
              f"overhead {(woken - baseline) / jobs * 1000:6.1f} ms/job")
        board = result["leaderboard"]["rows"]
        print("  leaderboard: " + "; ".join(
            f"{r['name']} {r['mean']:.3f}+-{r['std']:.3f}" for r in board if r["rank"]))


if __name__ == "__main__":
    main()
