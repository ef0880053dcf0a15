"""Benchmark: the cost of one small job with each launcher of the local backend.

Runs, in the same process run, N ``knn compute`` jobs on the same small data
(iris: 150 rows, 4 features) through `LocalBackend` with each launcher:

- ``exec``: the entrypoint script, a fresh interpreter importing numpy, scipy
  and scikit-learn for every job;
- ``fork``: a child forked from the warm fork server (libraries already loaded).

First one job at a time (the wall time of each job, from `submit` to the backend
reporting it ended), then all N at once with ``--concurrency`` slots (wall time of
the batch). The fork server's warm-up, paid once per backend, is timed apart.
Every job must succeed, and every result must equal the first one. Usage:

    .venv/bin/python benchmarks/job_startup.py [--jobs 20] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.unit.algorithms.volumes import iris, write_volume  # noqa: E402
from woken.backends.base import JobSpec  # noqa: E402
from woken.backends.local import LocalBackend  # noqa: E402
from woken.storage.tables import JobState  # noqa: E402

ENTRYPOINT = ROOT / "woken" / "algorithms" / "knn" / "entrypoint.sh"
POLL_S = 0.001
JOB_WAIT_S = 120.0


def knn_job(directory: Path, job_id: str) -> JobSpec:
    target, features = iris()
    volume = write_volume(directory / job_id, algorithm="knn", variables=[target],
                          covariables=features, parameters={"k": "5"})
    return JobSpec(job_id=job_id, algorithm="knn", docker_image="hbpmip/python-knn",
                   entrypoint=ENTRYPOINT, command="compute", volume=volume,
                   environment={"JOB_ID": job_id, "MODEL_PARAM_k": "5"}, timeout_s=JOB_WAIT_S)


def wait_for(backend: LocalBackend, job_ids: list[str]) -> None:
    deadline = time.monotonic() + JOB_WAIT_S * len(job_ids)
    pending = set(job_ids)
    while pending:
        for job_id in list(pending):
            status = backend.status(job_id)
            if status.is_terminal:
                if status.state is not JobState.SUCCEEDED:
                    raise SystemExit(f"job {job_id} {status.state.value}: {status.message}\n"
                                     f"{backend.logs(job_id)}")
                pending.discard(job_id)
        if time.monotonic() > deadline:
            raise SystemExit(f"jobs {sorted(pending)} did not end in time")
        time.sleep(POLL_S)


def result(spec: JobSpec) -> Any:
    return json.loads((spec.volume / "results" / "compute.json").read_text())


def measure(launcher: str, jobs: int, concurrency: int, work: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {"warm_up_s": 0.0}
    reference = None
    # One job at a time.
    backend = LocalBackend(work / launcher / "logs", max_concurrent=1, launcher=launcher)
    try:
        if launcher == "fork":
            started = time.monotonic()
            while not backend.fork_server_ready:
                if time.monotonic() - started > JOB_WAIT_S:
                    raise SystemExit("the fork server did not get ready")
                time.sleep(POLL_S)
            figures["warm_up_s"] = time.monotonic() - started
        times = []
        for n in range(jobs):
            spec = knn_job(work / launcher / "one", f"{launcher}-one-{n}")
            started = time.monotonic()
            backend.submit(spec)
            wait_for(backend, [spec.job_id])
            times.append(time.monotonic() - started)
            if backend.launcher_of(spec.job_id) != launcher:
                raise SystemExit(f"job {spec.job_id} was not started by {launcher}")
            reference = reference or result(spec)
            if result(spec) != reference:
                raise SystemExit(f"job {spec.job_id} gave another result")
        figures["times"] = times
    finally:
        backend.close()
    # All at once, `concurrency` at a time.
    backend = LocalBackend(work / launcher / "logs", max_concurrent=concurrency,
                           launcher=launcher)
    try:
        if launcher == "fork":
            while not backend.fork_server_ready:
                time.sleep(POLL_S)
        specs = [knn_job(work / launcher / "batch", f"{launcher}-batch-{n}")
                 for n in range(jobs)]
        started = time.monotonic()
        for spec in specs:
            backend.submit(spec)
        wait_for(backend, [spec.job_id for spec in specs])
        figures["batch_s"] = time.monotonic() - started
        if any(result(spec) != reference for spec in specs):
            raise SystemExit(f"a {launcher} batch job gave another result")
    finally:
        backend.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="woken-job-startup-") as tmp:
        figures = {launcher: measure(launcher, args.jobs, args.concurrency, Path(tmp))
                   for launcher in ("exec", "fork")}
    print(f"{args.jobs} knn compute jobs on iris (150 rows, 4 features), per launcher")
    print("one at a time, wall time per job (submit -> ended):")
    print(f"  {'launcher':8}  {'mean':>8}  {'median':>8}  {'min':>8}  {'max':>8}")
    for launcher, f in figures.items():
        t = f["times"]
        print(f"  {launcher:8}  {statistics.fmean(t):7.3f}s  {statistics.median(t):7.3f}s  "
              f"{min(t):7.3f}s  {max(t):7.3f}s")
    exec_t, fork_t = figures["exec"]["times"], figures["fork"]["times"]
    print(f"  exec / fork: {statistics.fmean(exec_t) / statistics.fmean(fork_t):.1f}x (mean), "
          f"{statistics.median(exec_t) / statistics.median(fork_t):.1f}x (median)")
    print(f"  fork server warm-up, once per backend: {figures['fork']['warm_up_s']:.2f} s")
    print(f"all {args.jobs} at once, {args.concurrency} at a time:")
    for launcher, f in figures.items():
        print(f"  {launcher:8}  {f['batch_s']:7.2f} s in all, {f['batch_s'] / args.jobs:.3f} s/job")
    print(f"  exec / fork: {figures['exec']['batch_s'] / figures['fork']['batch_s']:.1f}x")


if __name__ == "__main__":
    main()
