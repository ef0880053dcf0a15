"""Benchmark: the fork server's allocator, by what a job costs, each allocator in the same run.

For each allocator of the fork server's interpreter, in rounds that alternate them:

- the isolation floor: the fork + exit + wait of an empty child
  (``perf_suite.FORK_FLOOR_SCRIPT``);
- the cheapest job: ``knn compute`` on iris (150 rows), one at a time;
- P1's jobs: the three batched ``cross_validate`` jobs (knn 5, Gaussian NB, knn 15,
  10 folds) on breast cancer (569 rows x 30), one at a time.

A job is timed from the request to the server's report of its exit, as the local
backend sees it. The CPU of the children (the jobs) and of the server (its forks) per
job come from ``/proc/<server>/stat``. The allocators:

- CPython's own (pymalloc), glibc's malloc under it;
- glibc's malloc for everything (``PYTHONMALLOC=malloc``), on transparent huge pages;
- CPython's own, and glibc's malloc on transparent huge pages for the large blocks
  (numpy's arrays): ``launch.FORK_SERVER_ALLOCATOR``.

Usage: ``.venv/bin/python benchmarks/fork_allocator.py [--jobs 60] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.job_startup import knn_job  # noqa: E402
from benchmarks.perf_suite import (  # noqa: E402
    SEED,
    K,
    breast_cancer,
    cpu_times,
    fork_floor,
    uptime,
)
from tests.unit.algorithms.volumes import nominal, real, write_volume  # noqa: E402
from woken.algorithms.common.volume import FOLDS_FILE, write_json_atomically  # noqa: E402
from woken.backends import launch  # noqa: E402
from woken.backends.job_process import base_environment  # noqa: E402
from woken.backends.launch import ForkServer  # noqa: E402
from woken.planning.experiment_plan import fold_of_row  # noqa: E402
from woken.validation.folds import make_folds  # noqa: E402

HUGE_PAGES = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
ALLOCATORS: dict[str, dict[str, str]] = {
    "CPython's": {},
    "glibc + huge pages (before)": {"PYTHONMALLOC": "malloc", **HUGE_PAGES},
    "CPython's + huge pages (now)": dict(launch.FORK_SERVER_ALLOCATOR),
}
P1_JOBS = [("knn", {"k": "5"}), ("naiveBayes", {}), ("knn", {"k": "15"})]
WAIT_S = 60.0


def cpu_of_server(pid: int) -> tuple[float, float]:
    """(its own CPU seconds, its reaped children's)."""
    utime, stime, cutime, cstime = cpu_times(pid)
    return utime + stime, cutime + cstime


class Server:
    """A fork server started with one allocator, running jobs one at a time."""

    def __init__(self, allocator: dict[str, str], work: Path) -> None:
        self.work = work
        self.log = os.open(work / "jobs.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        previous = launch.FORK_SERVER_ALLOCATOR
        launch.FORK_SERVER_ALLOCATOR = allocator
        try:
            self.server = ForkServer(ROOT, work / "fork-server.log")
            self.server.start()
        finally:
            launch.FORK_SERVER_ALLOCATOR = previous
        deadline = time.monotonic() + WAIT_S
        while not self.server.ready:
            self.server.events()
            if time.monotonic() > deadline or self.server.has_died():
                raise SystemExit(f"the fork server did not start: {self.server.death_reason()}")
            time.sleep(0.01)

    def run(self, job_id: str, module: str, command: str, volume: Path,
            env: dict[str, str]) -> float:
        """Seconds from the request to the exit reported; the job must succeed."""
        environment = {**base_environment(), **env, "JOB_VOLUME": str(volume), "JOB_ID": job_id}
        started = time.perf_counter()
        self.server.run(job_id, module, command, volume, environment, self.log, self.log)
        deadline = time.monotonic() + WAIT_S
        while True:
            for event in self.server.events():
                if event.get("event") in ("exited", "error"):
                    if event.get("code") != 0:
                        raise SystemExit(f"job {job_id} failed: {event}; see {self.work}")
                    return time.perf_counter() - started
            if time.monotonic() > deadline:
                raise SystemExit(f"job {job_id} did not end in {WAIT_S} s")
            time.sleep(0.0002)

    def stop(self) -> None:
        self.server.stop()
        os.close(self.log)


def knn_compute_volume(directory: Path) -> Path:
    return knn_job(directory.parent, directory.name).volume


def cross_validate_volume(directory: Path, algorithm: str, parameters: dict[str, str]) -> Path:
    x, y, codes = breast_cancer()
    features = [real(code, x[:, i].tolist()) for i, code in enumerate(codes)]
    volume = write_volume(directory, algorithm=algorithm,
                          variables=[nominal("diagnosis", list(y))], covariables=features,
                          parameters=parameters)
    folds = make_folds(len(y), K, SEED, list(y))
    write_json_atomically(volume / FOLDS_FILE, {"validations": [
        {"index": 0, "k": K, "fold_of_row": fold_of_row(folds)}]})
    return volume


def measure(allocator: dict[str, str], jobs: int, work: Path) -> dict[str, Any]:
    server = Server(allocator, work)
    figures: dict[str, Any] = {}
    try:
        # case -> its jobs, run in turn: (algorithm, command, volume maker, environment)
        cases: dict[str, list[tuple[str, str, Callable[[Path], Path], dict[str, str]]]] = {
            "knn compute, iris": [("knn", "compute", knn_compute_volume, {})],
            "P1's 3 cross_validate jobs, 569 x 30": [
                (code, "cross_validate",
                 functools.partial(cross_validate_volume, algorithm=code, parameters=parameters),
                 {f"MODEL_PARAM_{k}": v for k, v in parameters.items()})
                for code, parameters in P1_JOBS],
        }
        for case, steps in cases.items():
            count = jobs if len(steps) == 1 else max(jobs // 6, 3)
            volumes = [[make(work / f"{case[:3]}{n}.{i}")
                        for i, (_, _, make, _) in enumerate(steps)] for n in range(count + 2)]
            walls: list[float] = []
            before = cpu_of_server(server.server.pid or 0)
            for n, row in enumerate(volumes):
                if n == 2:  # two warm-ups
                    walls, before = [], cpu_of_server(server.server.pid or 0)
                total = 0.0
                for (code, command, _, env), volume in zip(steps, row, strict=True):
                    total += server.run(volume.name, f"woken.algorithms.{code}", command, volume,
                                        env)
                walls.append(total)
            after = cpu_of_server(server.server.pid or 0)
            n_jobs = count * len(steps)
            figures[case] = {
                "wall_ms": statistics.median(walls) * 1000,
                "server_cpu_ms": (after[0] - before[0]) / n_jobs * 1000,
                "children_cpu_ms": (after[1] - before[1]) / n_jobs * 1000,
            }
    finally:
        server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--forks", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(uptime())
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in ALLOCATORS}
    floors: dict[str, list[float]] = {name: [] for name in ALLOCATORS}
    for _ in range(args.rounds):
        for name, allocator in ALLOCATORS.items():
            environment = {**base_environment(), **allocator, "PYTHONPATH": str(ROOT)}
            floors[name].append(statistics.median(fork_floor(args.forks, environment)) * 1000)
            with tempfile.TemporaryDirectory(prefix="woken-allocator-") as work:
                results[name].append(measure(allocator, args.jobs, Path(work)))
    print(f"\nmedian of {args.rounds} rounds; a job's wall time from request to exit, "
          "one at a time; CPU per job")
    print(f"{'allocator':30} {'floor':>7}  {'case':38} {'wall':>8} {'jobs CPU':>9} "
          f"{'server CPU':>10}")
    base = "CPython's"
    for name in ALLOCATORS:
        floor = statistics.median(floors[name])
        for case in results[name][0]:
            wall, jobs_cpu, server_cpu = (
                statistics.median(r[case][key] for r in results[name])
                for key in ("wall_ms", "children_cpu_ms", "server_cpu_ms"))
            base_wall = statistics.median(r[case]["wall_ms"] for r in results[base])
            print(f"{name:30} {floor:5.1f}ms  {case:38} {wall:6.1f}ms {jobs_cpu:7.1f}ms "
                  f"{server_cpu:8.1f}ms  ({wall / base_wall:.2f}x CPython's wall)")
    print(uptime())


if __name__ == "__main__":
    main()
