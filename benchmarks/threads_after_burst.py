"""Benchmark: threads and memory of `woken serve` after a burst of experiments.

Starts `woken serve` on the embedded default, measures its threads and RSS idle
(the baseline), then has N asynchronous experiments admitted (a 503 past the
running limit is retried, as a client would), waits until every one has ended and
the service is idle again, and measures again. Prints the figures and the ratios
to the baseline. Usage:

    .venv/bin/python benchmarks/threads_after_burst.py [--experiments 200] [--k 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment
from tests.support.server import woken_server

WAIT_S = 1800
SETTLE_S = 5.0


def threads_and_rss_mb(pid: int) -> tuple[int, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--experiments", type=int, default=200)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2,
                        help="bursts in a row: memory that keeps growing is a leak")
    args = parser.parse_args()
    body = experiment("species", IRIS_FEATURES, ["knn"], k=args.k, seed=3)
    with tempfile.TemporaryDirectory() as root, woken_server(Path(root) / "var") as woken:
        pid = woken.process.pid
        time.sleep(SETTLE_S)
        baseline = threads_and_rss_mb(pid)
        print(f"idle: {baseline[0]} threads, {baseline[1]:.0f} MB RSS")
        for round_number in range(1, args.rounds + 1):
            admitted, peak, after = burst(woken.url, pid, body, args.experiments)
            print(f"after burst {round_number} ({admitted} experiments admitted, k = {args.k}): "
                  f"peak {peak} threads; idle {after[0]} threads "
                  f"({after[0] / baseline[0]:.2f}x), {after[1]:.0f} MB RSS "
                  f"({after[1] / baseline[1]:.2f}x)")
    return 0


def burst(url: str, pid: int, body: dict, experiments: int) -> tuple[int, int, tuple[int, float]]:
    """Have `experiments` admitted, wait until all ended; (admitted, peak threads, idle after)."""
    admitted, peak_threads, deadline = 0, 0, time.monotonic() + WAIT_S
    while admitted < experiments and time.monotonic() < deadline:
        answer = requests.post(f"{url}/mining/experiment", json=body,
                               headers={"Prefer": "respond-async"}, timeout=60)
        if answer.status_code == 202:
            admitted += 1
        elif answer.status_code == 503:
            time.sleep(0.05)
        else:
            raise SystemExit(f"unexpected {answer.status_code}: {answer.text}")
        peak_threads = max(peak_threads, threads_and_rss_mb(pid)[0])
    while time.monotonic() < deadline:
        page = requests.get(f"{url}/mining/experiments?limit=100", timeout=30).json()
        if all(item["state"] not in {"pending", "running"} for item in page["items"]):
            break
        peak_threads = max(peak_threads, threads_and_rss_mb(pid)[0])
        time.sleep(0.5)
    time.sleep(SETTLE_S)
    return admitted, peak_threads, threads_and_rss_mb(pid)


if __name__ == "__main__":
    sys.exit(main())
