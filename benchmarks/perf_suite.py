"""Benchmarks P1-P4 of issue 12, each as a ratio against a baseline measured in the same run.

- P1: a 3-algorithm, 10-fold experiment through Woken's HTTP API divided by
  scikit-learn's in-process ``cross_validate`` (+ the fit on all rows), cold (the
  first round of this process) and warm (median of the others), on breast cancer
  (569 x 30) and on synthetic data at about 10x and 100x the rows (5,000 x 20 and
  50,000 x 20, loaded through ``woken load-data``); batched folds (the default) and,
  where asked, ``strict_isolation`` (one train and one test job per fold).
- P2: per-job overhead of the cheapest job (knn compute on iris) through
  ``POST /mining/job``, p50 and p99, against the same algorithm's command run
  in-process on the same rows.
- P3: jobs/s at saturation: synchronous jobs from concurrent clients, and
  asynchronous experiments (jobs and folds per second).
- P4: threads and RSS of the Woken process with 1, 100 and 1,000 experiments
  admitted at once, and its RSS once they are done, against its idle RSS.

Every section prints the machine's load (``uptime``). Usage::

    .venv/bin/python benchmarks/perf_suite.py [p1 p2 p3 p4] [--quick] [--out FILE]

It writes a Markdown table of every figure to ``benchmarks/results/perf.md``
(``--out``). ``--quick`` runs each part small (a check of the script).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server import RunningWoken, woken_server  # noqa: E402

SEED = 2026
K = 10
WAIT_S = 3600


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def load_average(uptime_line: str) -> str:
    """The 1-minute load average of an `uptime` line."""
    return uptime_line.rsplit("load average:", 1)[-1].split(",")[0].strip()


class Report:
    """The figures of the run, printed as they come and written as Markdown at the end."""

    def __init__(self) -> None:
        self.sections: list[tuple[str, list[str], list[list[str]], list[str]]] = []
        # (figure, measured, target, met, load when measured)
        self.targets: list[tuple[str, str, str, bool, str]] = []

    def target(self, figure: str, measured: str, target: str, met: bool, load: str) -> None:
        """One figure against its target (issue 24), with the machine's load when measured."""
        self.targets.append((figure, measured, target, met, load_average(load)))

    def target_table(self) -> None:
        if not self.targets:
            return
        self.table("Targets (issue 24)", ["figure", "measured", "target", "met", "load (1 min)"],
                   [[f, m, t, "yes" if ok else "NO", load] for f, m, t, ok, load in self.targets],
                   [f"{sum(ok for *_, ok, _ in self.targets)} of {len(self.targets)} met",
                    ("load: the 1-minute load average when the figure's part started "
                    f"({os.cpu_count()} cores; the machine may be shared)")])

    def table(self, title: str, header: list[str], rows: list[list[str]],
              notes: list[str]) -> None:
        self.sections.append((title, header, rows, notes))
        print(f"\n## {title}")
        print(" | ".join(header))
        for row in rows:
            print(" | ".join(row))
        for note in notes:
            print(note)

    def markdown(self, command: str) -> str:
        lines = ["# Performance of Woken (issues 12 and 24)", "",
                 (f"`{command}` on {platform.node()}, {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}."),
                 ""]
        for title, header, rows, notes in self.sections:
            lines += [f"## {title}", "", "| " + " | ".join(header) + " |",
                      "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(row) + " |" for row in rows]
            lines += [""] + [f"- {note}" for note in notes] + [""]
        return "\n".join(lines)


# Servers and data

@contextmanager
def server(tmp: Path, env: dict[str, str], csv_files: list[Path] = ()) -> Iterator[RunningWoken]:
    """A `woken serve` in `tmp`/var; the bundled sets and `csv_files` loaded first."""
    data_dir = tmp / "var"
    woken = str(Path(sys.executable).parent / "woken")
    for target in [[], *[[str(path)] for path in csv_files]]:
        subprocess.run([woken, "--data-dir", "var", "load-data", *target], cwd=tmp, check=True,
                       capture_output=True)
    with woken_server(data_dir, env) as running:
        yield running


def synthetic_csv(directory: Path, rows: int, features: int) -> tuple[Path, str]:
    """A two-class synthetic table (deterministic), its `dataset` code named by its size."""
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=rows, n_features=features, n_informative=10,
                               random_state=SEED)
    code = f"synth_{rows}x{features}"
    path = directory / f"{code}.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["dataset", "subjectcode", "outcome", *[f"f{i}" for i in range(features)]])
        for n, (values, label) in enumerate(zip(x, y, strict=True)):
            writer.writerow([code, f"S{n}", "yes" if label else "no",
                             *[f"{v:.6f}" for v in values]])
    return path, code


def breast_cancer() -> tuple[np.ndarray, np.ndarray, list[str]]:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    codes = [name.replace(" ", "_") for name in data.feature_names]
    return data.data, np.array(["malignant", "benign"])[data.target], codes


def synthetic(rows: int, features: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=rows, n_features=features, n_informative=10,
                               random_state=SEED)
    # What the CSV holds, read back: the same rounding.
    return np.round(x, 6), np.where(y == 1, "yes", "no"), [f"f{i}" for i in range(features)]


IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
# The cheapest job: knn compute on iris (150 rows, 4 features).
IRIS_JOB: dict[str, Any] = {
    "variables": [{"code": "species"}], "covariables": [{"code": c} for c in IRIS_FEATURES],
    "grouping": [], "filters": "", "datasets": [{"code": "iris"}],
    "algorithm": {"code": "knn", "name": "knn", "parameters": [{"code": "k", "value": "5"}]},
}

ALGORITHMS = [("knn", "KNN k=5", [{"code": "k", "value": "5"}]),
              ("naiveBayes", "Gaussian naive Bayes", []),
              ("knn", "KNN k=15", [{"code": "k", "value": "15"}])]


def experiment_body(dataset: str, target: str, codes: list[str], k: int = K,
                    algorithms: list[tuple[str, str, list[Any]]] = ALGORITHMS) -> dict[str, Any]:
    return {
        "variables": [{"code": target}], "covariables": [{"code": c} for c in codes],
        "grouping": [], "filters": "", "datasets": [{"code": dataset}], "seed": SEED,
        "algorithms": [{"code": c, "name": n, "parameters": p} for c, n, p in algorithms],
        "validations": [{"code": "kfold", "name": "kfold",
                         "parameters": [{"code": "k", "value": str(k)}]}],
    }


def post_experiment(url: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(f"{url}/mining/experiment", json=body, timeout=WAIT_S)
    answer.raise_for_status()
    result = answer.json()
    errors = [e["error"] for e in result["data"] if e["error"]]
    if errors:
        raise SystemExit(f"the experiment failed: {errors}")
    return dict(result)


# P1

def sklearn_times(x: np.ndarray, y: np.ndarray, k: int, repeat: int) -> tuple[float, float]:
    """(cold, warm median) of cross_validate + the fit on all rows, for the 3 algorithms.

    With one native thread, as Woken's jobs run: on a loaded machine OpenMP's default
    pool (threads that spin while they wait for each other) made the same knn many
    times slower, which would flatter Woken's ratio.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _sklearn_times(x, y, k, repeat)


def _sklearn_times(x: np.ndarray, y: np.ndarray, k: int, repeat: int) -> tuple[float, float]:
    from sklearn.base import clone
    from sklearn.model_selection import cross_validate
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier

    from woken.validation.folds import make_folds

    models = [KNeighborsClassifier(5), GaussianNB(), KNeighborsClassifier(15)]
    folds = make_folds(len(y), k, SEED, list(y))
    splits = [(np.array(f.train_rows), np.array(f.test_rows)) for f in folds]
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        for model in models:
            clone(model).fit(x, y)
            cross_validate(clone(model), x, y, cv=splits, scoring="accuracy")
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times[1:])


def p1(report: Report, quick: bool, strict_sizes: set[str]) -> None:
    sizes: list[tuple[str, Callable[[], Any], tuple[int, int] | None, int]] = [
        ("569 x 30 (breast cancer)", breast_cancer, None, 1 if quick else 9),
        ("5,000 x 20 (synthetic)", lambda: synthetic(5000, 20), (5000, 20), 1 if quick else 5),
    ]
    if not quick:
        sizes.append(("50,000 x 20 (synthetic)", lambda: synthetic(50000, 20), (50000, 20), 1))
    rows, load = [], uptime()
    targets = {"569": 1.5, "5,000": 1.2}
    for label, data, shape, repeat in sizes:
        x, y, codes = data()
        cold, warm = sklearn_times(x, y, K, repeat)
        modes = ["batched"] + (["strict"] if label.split()[0] in strict_sizes else [])
        for mode in modes:
            env = {"WOKEN_STRICT_ISOLATION": "true" if mode == "strict" else "false"}
            with tempfile.TemporaryDirectory(prefix="woken-p1-") as tmp:
                files, dataset, target = [], "breast_cancer", "diagnosis"
                if shape is not None:
                    path, dataset = synthetic_csv(Path(tmp), *shape)
                    files, target = [path], "outcome"
                with server(Path(tmp), env, files) as woken:
                    body = experiment_body(dataset, target, codes)
                    post_experiment(woken.url, body)  # warm-up: the fork server, caches
                    times = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        post_experiment(woken.url, body)
                        times.append(time.perf_counter() - started)
            jobs = 3 if mode == "batched" else 3 * (1 + 2 * K)
            t = statistics.median(times)
            size = label.split()[0]
            if mode == "batched" and size in targets:
                report.target(f"P1 Woken / in-process warm, {label.split(' (')[0]}",
                              f"{t / warm:.2f}x", f"<= {targets[size]}x",
                              t / warm <= targets[size], load)
            rows.append([label, mode, str(jobs), f"{t:.3f} s", f"{warm:.3f} s", f"{cold:.3f} s",
                         f"{t / warm:.1f}x", f"{t / cold:.1f}x",
                         f"{(t - warm) / jobs * 1000:.0f} ms"])
    report.table(
        "P1: 3 algorithms x 10 folds, Woken (HTTP) / scikit-learn cross_validate in-process",
        ["rows x columns", "mode", "jobs", "Woken", "in-process warm", "in-process cold",
         "ratio warm", "ratio cold", "overhead per job"], rows,
        [f"load before: {load}", f"load after: {uptime()}",
         ("Woken: median of the runs after one warm-up request; in-process: cross_validate "
          "on the same folds plus the fit on all rows (knn 5, Gaussian NB, knn 15), one "
          "native thread (threadpoolctl), as Woken's jobs"),
         "targets (issue 24): <= 1.5x warm at 569 x 30, <= 1.2x at 5,000 x 20 (batched)"])


# P2

def p2(report: Report, quick: bool) -> None:
    from tests.unit.algorithms.volumes import iris, write_volume
    from woken.algorithms.common.runner import dispatch
    from woken.algorithms.knn.algorithm import HANDLERS

    n = 30 if quick else 200
    load = uptime()
    body = IRIS_JOB
    with tempfile.TemporaryDirectory(prefix="woken-p2-") as tmp:
        target, features = iris()
        volume = write_volume(Path(tmp) / "in-process", algorithm="knn", variables=[target],
                              covariables=features, parameters={"k": "5"})
        local = []
        for _ in range(n):
            started = time.perf_counter()
            if dispatch(HANDLERS, ["compute"], volume) != 0:
                raise SystemExit("knn compute failed in-process")
            local.append(time.perf_counter() - started)
        with server(Path(tmp), {}) as woken, requests.Session() as session:
            for _ in range(5):  # warm-up
                session.post(f"{woken.url}/mining/job", json=body, timeout=60).raise_for_status()
            remote = []
            cpu_before = process_cpu(woken.process.pid)
            for _ in range(n):
                started = time.perf_counter()
                answer = session.post(f"{woken.url}/mining/job", json=body, timeout=60)
                remote.append(time.perf_counter() - started)
                answer.raise_for_status()
                if answer.json()["error"]:
                    raise SystemExit(f"the job failed: {answer.json()['error']}")
            cpu = cpu_per_job(cpu_before, process_cpu(woken.process.pid), n)
        floor = fork_floor(n)
    rows = []
    overhead = (np.percentile(remote, 50) - np.percentile(local, 50)) * 1000
    floor_ms = np.percentile(floor, 50) * 1000
    report.target("P2 overhead p50", f"{overhead:.1f} ms", "<= 10 ms", overhead <= 10, load)
    report.target("P2 overhead p50 / isolation floor p50", f"{overhead / floor_ms:.1f}x",
                  "<= 2.5x", overhead <= 2.5 * floor_ms, load)
    for name, q in (("p50", 50), ("p99", 99)):
        http, own = np.percentile(remote, q), np.percentile(local, q)
        rows.append([name, f"{http * 1000:.1f} ms", f"{own * 1000:.1f} ms",
                     f"{(http - own) * 1000:.1f} ms", f"{http / own:.1f}x",
                     f"{np.percentile(floor, q) * 1000:.1f} ms"])
    report.table("P2: the cheapest job (knn compute, iris) through POST /mining/job vs in-process",
                 ["percentile", "HTTP", "in-process (the same command)", "overhead", "ratio",
                  "isolation floor"],
                 rows, [f"{n} sequential requests after 5 warm-up ones", f"load before: {load}",
                        f"load after: {uptime()}",
                        "targets: overhead <= 10 ms p50, and <= 2.5x the isolation floor",
                        ("isolation floor: fork + exit + wait of an empty child of an "
                        "interpreter with the fork server's libraries loaded (no job, no "
                        "Woken): what a process per job costs before it does anything"),
                        f"CPU per job, by process: {cpu}"])


# The floor of process isolation

FORK_FLOOR_SCRIPT = """
import os, sys, time
from pathlib import Path
from woken.backends import fork_server
fork_server.preload(Path(sys.argv[1]))
fork_server.warm_lookups()
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    times.append(time.perf_counter() - started)
print(" ".join(str(t) for t in times))
"""


def fork_floor(n: int, environment: dict[str, str] | None = None) -> list[float]:
    """Seconds of fork + exit + wait of an empty child of the warm fork server's interpreter.

    What one isolated job costs before it does anything: the fork copies the page
    tables of an interpreter with numpy, scipy and scikit-learn loaded, and the
    child's exit frees them. ``environment``: the interpreter's (default: the fork
    server's own).
    """
    from woken.backends.launch import fork_server_environment

    environment = environment if environment is not None else fork_server_environment(ROOT)
    output = subprocess.run([sys.executable, "-c", FORK_FLOOR_SCRIPT, str(ROOT), str(n)],
                            env={**os.environ, **environment}, capture_output=True, text=True,
                            check=True)
    return [float(t) for t in output.stdout.split()]


def cpu_times(pid: int) -> list[float]:
    """A process's CPU seconds from /proc/<pid>/stat: utime, stime, cutime, cstime.

    (cutime and cstime: its reaped children's.)
    """
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return [int(value) / tick for value in fields[11:15]]


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used by a process and its descendants, the reaped ones included."""
    total = sum(cpu_times(pid))
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += tree_cpu_s(int(child))
    return total


def process_cpu(woken_pid: int) -> dict[str, float]:
    """CPU seconds so far of Woken's process, of its fork server and of the server's reaped jobs."""
    woken = cpu_times(woken_pid)
    figures = {"Woken": woken[0] + woken[1]}
    servers = [child for task in Path(f"/proc/{woken_pid}/task").iterdir()
               for child in map(int, (task / "children").read_text().split())
               if b"fork_server" in Path(f"/proc/{child}/cmdline").read_bytes()]
    if servers:
        server = cpu_times(servers[0])
        figures["fork server"] = server[0] + server[1]
        figures["jobs"] = server[2] + server[3]
    return figures


def cpu_per_job(before: dict[str, float], after: dict[str, float], jobs: int) -> str:
    """Each process's CPU milliseconds per job between two `process_cpu` readings, and their sum."""
    parts = {name: (after[name] - before.get(name, 0.0)) * 1000 / jobs for name in after}
    text = ", ".join(f"{name} {ms:.1f} ms" for name, ms in parts.items())
    return f"{text} (all: {sum(parts.values()):.1f} ms)"


# P3

def p3(report: Report, quick: bool) -> None:
    jobs = 40 if quick else 400
    experiments = 10 if quick else 100
    clients = 8
    load = uptime()
    body = IRIS_JOB
    with tempfile.TemporaryDirectory(prefix="woken-p3-") as tmp, server(
        Path(tmp), {"WOKEN_MAX_RUNNING_EXPERIMENTS": str(experiments + 10)}
    ) as woken:
        url = woken.url
        requests.post(f"{url}/mining/job", json=body, timeout=60).raise_for_status()

        def one(_: int) -> None:
            answer = requests.post(f"{url}/mining/job", json=body, timeout=600)
            answer.raise_for_status()

        cpu_before, started = tree_cpu_s(woken.process.pid), time.perf_counter()
        by_process = process_cpu(woken.process.pid)
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(one, range(jobs)))
        sync_s = time.perf_counter() - started
        cpu_all = (tree_cpu_s(woken.process.pid) - cpu_before) / jobs
        cpu_by_process = cpu_per_job(by_process, process_cpu(woken.process.pid), jobs)

        iris_body = experiment_body("iris", "species", IRIS_FEATURES)
        started = time.perf_counter()
        locations = [requests.post(f"{url}/mining/experiment?async=true", json=iris_body,
                                   timeout=60).headers["Location"] for _ in range(experiments)]
        total_jobs = wait_all(url, locations)
        async_s = time.perf_counter() - started
    folds = experiments * len(ALGORITHMS) * K
    report.target("P3 sync jobs/s (8 clients)", f"{jobs / sync_s:.1f}", ">= 150",
                  jobs / sync_s >= 150, load)
    report.target("P3 folds/s (async experiments)", f"{folds / async_s:.0f}", ">= 1,000",
                  folds / async_s >= 1000, load)
    report.table("P3: throughput at saturation (2 job slots)",
                 ["load", "count", "wall", "jobs/s", "folds/s"],
                 [[f"sync POST /mining/job, {clients} clients", f"{jobs} jobs", f"{sync_s:.1f} s",
                   f"{jobs / sync_s:.1f}", "-"],
                  [f"async experiments (3 algorithms x {K} folds, iris)",
                   f"{experiments} experiments, {total_jobs} jobs", f"{async_s:.1f} s",
                   f"{total_jobs / async_s:.1f}", f"{folds / async_s:.1f}"]],
                 [f"load before: {load}", f"load after: {uptime()}",
                  "targets: >= 150 synchronous jobs/s, >= 1,000 folds/s",
                  f"CPU per sync job, by process: {cpu_by_process}",
                  "folds/s: cross-validation folds scored per second (a batched job runs 10)",
                  (f"CPU per sync job, Woken's processes and the jobs' together: "
                  f"{cpu_all * 1000:.1f} ms, so at most "
                  f"{(os.cpu_count() or 1) / cpu_all:.0f} jobs/s on "
                  f"{os.cpu_count()} cores")])


def wait_all(url: str, locations: list[str]) -> int:
    """Wait until every experiment has ended; returns their jobs in all."""
    total, deadline = 0, time.monotonic() + WAIT_S
    with requests.Session() as session:
        for location in locations:
            while True:
                status = session.get(f"{url}{location}", timeout=60).json()
                if status["state"] in ("completed", "failed", "cancelled"):
                    if status["state"] != "completed":
                        raise SystemExit(f"{location}: {status['state']}")
                    total += status["progress"]["total"]
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{location} did not end")
                time.sleep(0.2)
    return total


# P4

def process_figures(pid: int) -> tuple[int, int]:
    """(threads, RSS in bytes) of a process, from /proc."""
    threads = rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            threads = int(line.split()[1])
        elif line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
    return threads, rss


def p4(report: Report, quick: bool) -> None:
    counts = [1, 10, 50] if quick else [1, 100, 1000]
    load = uptime()
    rows = []
    body = experiment_body("iris", "species", IRIS_FEATURES)
    with tempfile.TemporaryDirectory(prefix="woken-p4-") as tmp, server(
        Path(tmp), {"WOKEN_MAX_RUNNING_EXPERIMENTS": str(max(counts) + 10)}
    ) as woken:
        pid = woken.process.pid
        post_experiment(woken.url, body)
        time.sleep(2)
        idle_threads, idle_rss = process_figures(pid)
        for count in counts:
            peak = [0, 0]
            stop = threading.Event()

            def sample(peak: list[int] = peak, stop: threading.Event = stop) -> None:
                while not stop.is_set():
                    threads, rss = process_figures(pid)
                    peak[0], peak[1] = max(peak[0], threads), max(peak[1], rss)
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample)
            sampler.start()
            with ThreadPoolExecutor(8) as pool:
                locations = list(pool.map(
                    lambda _: requests.post(f"{woken.url}/mining/experiment?async=true",
                                            json=body, timeout=120).headers["Location"],
                    range(count)))
            admitted_threads, _ = process_figures(pid)
            wait_all(woken.url, locations)
            stop.set()
            sampler.join()
            time.sleep(3)
            after_threads, after_rss = process_figures(pid)
            if count == max(counts):
                report.target(f"P4 RSS after {count} experiments / idle",
                              f"{after_rss / idle_rss:.2f}x", "<= 1.3x",
                              after_rss / idle_rss <= 1.3, load)
                report.target(f"P4 peak threads, {count} experiments", str(peak[0]), "<= 200",
                              peak[0] <= 200, load)
            rows.append([str(count), str(peak[0]), f"{peak[1] / 2**20:.0f} MiB",
                         str(admitted_threads), f"{after_rss / 2**20:.0f} MiB",
                         f"{after_rss / idle_rss:.2f}x", str(after_threads)])
    report.table("P4: the Woken process with N experiments admitted (async, iris, 3 x 10 folds)",
                 ["experiments", "peak threads", "peak RSS", "threads when all admitted",
                  "RSS after", "RSS after / idle", "threads after"], rows,
                 [(f"idle (after one experiment): {idle_threads} threads, "
                   f"{idle_rss / 2**20:.0f} MiB RSS"), f"load before: {load}",
                  f"load after: {uptime()}",
                  "the fork server and its jobs are other processes, not counted",
                  ("targets: <= 200 threads and <= 1 GiB with 1,000 admitted; RSS after "
                   "<= 1.3x idle")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", default=["p1", "p2", "p3", "p4"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--strict-sizes", default="569",
                        help="sizes (first word of the label: 569, 5,000, 50,000) also run "
                        "with strict_isolation (one job per fold), comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "perf.md")
    args = parser.parse_args()
    report = Report()
    parts: dict[str, Callable[[], None]] = {
        "p1": lambda: p1(report, args.quick, set(args.strict_sizes.split(","))),
        "p2": lambda: p2(report, args.quick), "p3": lambda: p3(report, args.quick),
        "p4": lambda: p4(report, args.quick),
    }
    for part in args.parts:
        parts[part]()
    report.target_table()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    command = "benchmarks/perf_suite.py " + " ".join(sys.argv[1:])
    args.out.write_text(report.markdown(command.strip()))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
