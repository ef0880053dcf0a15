"""Benchmark: pieces of one job's cost, the way before issue 12 against the way now, same run.

Each piece is timed with the project's own functions (median of ``--repeat``):

- volume files: a fold's rows (breast cancer, 512 rows x 31 columns) written with
  ``json.dump`` streaming (before) and ``json.dumps`` + one write (now);
- woken-db: the transactions of one job's bookkeeping on SQLite: insert pending,
  queued, running, the result, the final state (5, before) against insert queued,
  running, result and final state together (3, now);
- the job's process (fork server): a knn ``test`` job (predict 57 rows) forked from a
  server started with the environment of before (no thread limits, no warmed
  lookups) and of now, from submit to the backend's report of its end;
  (the monitor's wake-up on the job's exit is in both: the 10 ms polling loop of
  before cannot be put back from here; ``benchmarks/job_startup.py`` run on the two
  commits gives the whole job).

Usage: ``.venv/bin/python benchmarks/job_breakdown.py [--repeat 30]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.unit.algorithms.volumes import breast_cancer, write_volume  # noqa: E402
from woken.algorithms.common.volume import write_json_atomically  # noqa: E402
from woken.backends import fork_server, job_process  # noqa: E402
from woken.backends.base import JobSpec  # noqa: E402
from woken.backends.local import LocalBackend  # noqa: E402
from woken.states import JobState  # noqa: E402
from woken.storage.database import ResultRow, WokenDatabase  # noqa: E402
from woken.storage.tables import Job  # noqa: E402

ENTRYPOINT = ROOT / "woken" / "algorithms" / "knn" / "entrypoint.sh"


def median_ms(function: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def volume_files(tmp: Path, repeat: int) -> tuple[float, float]:
    target, features = breast_cancer()
    columns = [target, *features]
    document = {"columns": [c.code for c in columns],
                "rows": [[c.values[i] for c in columns] for i in range(512)]}
    path = tmp / "data.json"

    def before() -> None:
        with path.open("w", encoding="utf-8") as out:
            json.dump(document, out, allow_nan=False)

    return (median_ms(before, repeat),
            median_ms(lambda: write_json_atomically(path, document), repeat))


def bookkeeping(tmp: Path, repeat: int) -> tuple[float, float]:
    db_path = tmp / "woken.db"
    subprocess.run([str(Path(sys.executable).parent / "woken"), "--data-dir", str(tmp),
                    "migrate"], check=True, capture_output=True)
    assert db_path.is_file(), "woken migrate made no woken.db"
    db = WokenDatabase(f"sqlite:///{db_path}")
    numbers = iter(range(10**6))

    def job(state: JobState) -> Job:
        row = Job.pending(f"job-{next(numbers)}", algorithm="knn", command="compute",
                          node="local", backend="local", request={}, volume=tmp,
                          timeout_s=60)
        row.state = state.value
        return row

    def result(job_id: str) -> ResultRow:
        return ResultRow(job_id, "local", "knn", "json", {"k": 5})

    def before() -> None:
        row = job(JobState.PENDING)
        db.add_job(row)
        db.set_job_state(row.id, JobState.QUEUED)
        db.set_job_state(row.id, JobState.RUNNING)
        db.save_result(job_id=row.id, node="local", function="knn", shape="json",
                       data={"k": 5})
        db.set_job_state(row.id, JobState.SUCCEEDED, exit_code=0)

    def now() -> None:
        row = job(JobState.QUEUED)
        db.add_job(row)
        db.set_job_state(row.id, JobState.RUNNING)
        db.finish_job(row.id, JobState.SUCCEEDED, result(row.id), exit_code=0)

    figures = median_ms(before, repeat), median_ms(now, repeat)
    db.dispose()
    return figures


def test_job(tmp: Path, repeat: int, lean: bool) -> float:
    """Submit -> ended of a knn test job forked from a server set up before or now."""
    target, features = breast_cancer()
    environment = job_process.base_environment()
    if not lean:
        environment = {k: v for k, v in environment.items()
                       if k not in job_process.SINGLE_THREADED and k != "LOKY_MAX_CPU_COUNT"}
    if not lean:
        # The server script runs as its own program: skip its warming through its env.
        environment[fork_server.NO_WARM_VARIABLE] = "1"
    # The environment of the fork server and of its jobs (launch imported it by name).
    with mock.patch("woken.backends.launch.base_environment", return_value=environment):
        backend = LocalBackend(tmp / f"logs-{lean}", max_concurrent=1)
        try:
            while not backend.fork_server_ready:
                time.sleep(0.01)
            volume = write_volume(tmp / f"pair-{lean}", algorithm="knn", variables=[target],
                                  covariables=features, parameters={"k": "5"},
                                  train_rows=range(512), test_rows=range(512, 569))
            train = JobSpec(job_id=f"train-{lean}", algorithm="knn", docker_image="knn",
                            entrypoint=ENTRYPOINT, command="train", volume=volume,
                            environment={"MODEL_PARAM_k": "5"}, timeout_s=60)
            run(backend, train)
            times = []
            for n in range(repeat):
                spec = JobSpec(job_id=f"test-{lean}-{n}", algorithm="knn", docker_image="knn",
                               entrypoint=ENTRYPOINT, command="test", volume=volume,
                               environment={"MODEL_PARAM_k": "5"}, timeout_s=60)
                started = time.perf_counter()
                run(backend, spec)
                times.append(time.perf_counter() - started)
        finally:
            backend.close()
    return statistics.median(times) * 1000


def run(backend: LocalBackend, spec: JobSpec) -> None:
    backend.submit(spec)
    while not (status := backend.status(spec.job_id)).is_terminal:
        time.sleep(0.0005)
    if status.state is not JobState.SUCCEEDED:
        raise SystemExit(f"{spec.command} failed: {backend.logs(spec.job_id)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="woken-breakdown-") as tmp:
        rows = [("volume file, 512 x 31 fold", *volume_files(Path(tmp), args.repeat)),
                ("woken-db per job (SQLite)", *bookkeeping(Path(tmp), args.repeat)),
                ("knn test job, submit -> ended",
                 test_job(Path(tmp), args.repeat, lean=False),
                 test_job(Path(tmp), args.repeat, lean=True))]
    print(f"{'piece':32} {'before':>10} {'now':>10} {'before/now':>11}")
    for name, before, now in rows:
        print(f"{name:32} {before:8.2f}ms {now:8.2f}ms {before / now:10.1f}x")
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
