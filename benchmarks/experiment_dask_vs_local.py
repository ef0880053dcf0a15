"""The experiment benchmark on the Dask backend (a scheduler, two workers) beside the local one.

Same experiment as ``experiment_vs_sklearn.py`` (breast cancer, k-fold), in one run:
scikit-learn in-process (the baseline), Woken on the local backend (fork launcher),
Woken on a real Dask cluster on this machine (two ``--nthreads 1`` workers, warm:
each job a task that forks the algorithm from the worker's fork server, inputs and
outputs travelling with it).
Prints each one's ratio to the baseline and its overhead per job.

    .venv/bin/python benchmarks/experiment_dask_vs_local.py [--k 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.experiment_vs_sklearn import (
    ALGORITHMS,
    DATASET,
    experiment_body,
    features,
    time_sklearn,
)
from tests.support.dask_cluster import DaskCluster
from tests.support.server import woken_server


def time_woken(env: dict[str, str], body: dict, repeat: int,
               data_dir: Path | None = None) -> list[float]:
    """The experiment's times on a fresh `woken serve` (in `data_dir`, or a temporary one)."""
    with tempfile.TemporaryDirectory() as tmp:
        return _time_in(data_dir or Path(tmp) / "var", env, body, repeat)


def _time_in(data_dir: Path, env: dict[str, str], body: dict, repeat: int) -> list[float]:
    times = []
    with woken_server(data_dir, env) as woken:
        requests.post(f"{woken.url}/mining/experiment", json=body, timeout=900)  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            answer = requests.post(f"{woken.url}/mining/experiment", json=body, timeout=900)
            times.append(time.perf_counter() - started)
            answer.raise_for_status()
            errors = [e["error"] for e in answer.json()["data"] if e["error"]]
            if errors:
                raise SystemExit(f"the experiment failed: {errors}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    codes, x, y = features()
    body = experiment_body(codes, args.k)
    jobs = len(ALGORITHMS) * (1 + 2 * args.k)
    _, warm = time_sklearn(x, y, args.k, args.repeat)
    baseline = statistics.median(warm)
    print(f"data set {DATASET}: {len(y)} rows; {len(ALGORITHMS)} algorithms x {args.k} folds "
          f"= {jobs} jobs; scikit-learn in-process {baseline:.3f} s (median of {args.repeat})")
    with tempfile.TemporaryDirectory() as tmp, DaskCluster(Path(tmp) / "cluster") as cluster:
        runs = {
            "local (fork launcher, 2 at once)": {"WOKEN_BACKEND": "local"},
            "dask (2 workers x 1 thread)": {"WOKEN_BACKEND": "dask",
                                            "WOKEN_DASK_SCHEDULER_ADDRESS": cluster.address},
        }
        for name, env in runs.items():
            times = time_woken(env, body, args.repeat)
            woken = statistics.median(times)
            print(f"woken, {name:34}: {woken:8.3f} s (runs: "
                  f"{', '.join(f'{t:.2f}' for t in times)})  ratio {woken / baseline:6.1f}x  "
                  f"overhead {(woken - baseline) / jobs * 1000:7.1f} ms/job")


if __name__ == "__main__":
    main()
