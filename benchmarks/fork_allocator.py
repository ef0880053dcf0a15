"""Benchmark: the isolation floor under the fork server's allocator against CPython's own.

The fork + exit + wait of an empty child of an interpreter with the fork server's
libraries preloaded (``perf_suite.FORK_FLOOR_SCRIPT``), with CPython's small-object
allocator (the default) and with glibc's malloc on transparent huge pages
(``launch.FORK_SERVER_ALLOCATOR``), alternating, in one run.

Usage: ``.venv/bin/python benchmarks/fork_allocator.py [--forks 100] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.perf_suite import fork_floor, uptime  # noqa: E402
from woken.backends.job_process import base_environment  # noqa: E402
from woken.backends.launch import fork_server_environment  # noqa: E402


def floor_ms(environment: dict[str, str], forks: int) -> list[float]:
    return sorted(t * 1000 for t in fork_floor(forks, environment))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forks", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(uptime())
    allocators = {"CPython's (default)": {**base_environment(), "PYTHONPATH": str(ROOT)},
                  "glibc + huge pages (the fork server's)": fork_server_environment(ROOT)}
    p50s: dict[str, list[float]] = {name: [] for name in allocators}
    for _ in range(args.rounds):
        for name, environment in allocators.items():
            times = floor_ms(environment, args.forks)
            p50s[name].append(times[len(times) // 2])
            print(f"{name:40} p50 {times[len(times) // 2]:6.1f} ms   "
                  f"p90 {times[len(times) * 9 // 10]:6.1f} ms")
    default, ours = (min(values) for values in p50s.values())
    print(f"best p50: {default:.1f} ms against {ours:.1f} ms ({default / ours:.1f}x)")
    print(uptime())


if __name__ == "__main__":
    main()
