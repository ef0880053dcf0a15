"""Benchmark: ``woken load-data`` of a large CSV against the databases' own bulk loaders.

In one run, on one generated CSV of ``--rows`` rows and ``--columns`` columns
(reals, a few integers, one nominal column with its enumeration in the Table
Schema beside the file), each back-end is loaded twice, each time into a fresh
database:

- the baseline: PostgreSQL's ``psql \\copy`` into a table created with the same
  column types, SQLite's ``sqlite3 .import --csv`` into a table created likewise
  (no check of any value: what the databases do on their own);
- Woken: ``woken load-data CSV --features-db-url URL`` in its own process (every
  value checked against the Table Schema, the metadata written, one transaction).

Printed: each wall time, the ratio Woken / baseline (target: at most 2), and the
peak resident memory of each process (``ru_maxrss`` of the child), which must not
grow with the file. The PostgreSQL server is a throwaway one (``initdb``; as root
it runs as the ``postgres`` user), as in the tests.

Needs: PostgreSQL 15 server binaries and ``psql`` (Debian: ``postgresql``,
``postgresql-client``), and the ``sqlite3`` command (Debian: ``sqlite3``). It
installs nothing. Usage (a quick check, then the full size):

    .venv/bin/python benchmarks/load_data.py --rows 50000
    .venv/bin/python benchmarks/load_data.py            # 1,000,000 rows x 50 columns
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.postgres import create_database, throwaway_postgres  # noqa: E402

TABLE = "bench"
NOMINAL = ["AD", "CN", "MCI", "Other"]
TIMEOUT_S = 3 * 3600


@dataclass(frozen=True)
class Run:
    """One load: its wall time and the peak resident memory of its process."""

    seconds: float
    peak_mb: float


def columns(count: int) -> list[tuple[str, str]]:
    """(name, Table Schema type): one nominal, three integers, reals for the rest."""
    chosen = [("category", "string"), ("age", "integer"), ("visits", "integer"),
              ("score", "integer")]
    chosen += [(f"v{index:02d}", "number") for index in range(count - len(chosen))]
    return chosen[:count]


def write_csv(path: Path, rows: int, fields: list[tuple[str, str]]) -> None:
    rng = random.Random(2019)
    with path.open("w") as file:
        file.write(",".join(name for name, _ in fields) + "\n")
        reals = len(fields) - 4
        for row in range(rows):
            values = [NOMINAL[row % 4], str(rng.randint(18, 99)), str(rng.randint(0, 50)),
                      str(rng.randint(0, 1000))]
            values += [f"{rng.random() * 100:.6f}" for _ in range(reals)]
            file.write(",".join(values[: len(fields)]) + "\n")
    schema = {"fields": [
        {"name": name, "type": type_,
         **({"constraints": {"enum": NOMINAL}} if name == "category" else {})}
        for name, type_ in fields]}
    path.with_suffix(".schema.json").write_text(json.dumps(schema))


def run_measured(command: list[str], stdin: str | None = None) -> Run:
    """Run ``command``: its wall time, and its peak RSS (MB) as ``wait4`` reports it."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if stdin:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    deadline = started + TIMEOUT_S
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            raise RuntimeError(f"{command[0]}: no end after {TIMEOUT_S} s")
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    err = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({process.returncode}): {err[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def sql_columns(fields: list[tuple[str, str]], dialect: str) -> str:
    real = "DOUBLE PRECISION" if dialect == "postgresql" else "REAL"
    types = {"string": "TEXT", "integer": "INTEGER", "number": real}
    return ", ".join(f'"{name}" {types[type_]}' for name, type_ in fields)


def woken(csv: Path, url: str) -> Run:
    return run_measured([str(Path(sys.executable).parent / "woken"), "load-data", str(csv),
                         "--table", TABLE, "--features-db-url", url])


def postgres_pair(server: str, csv: Path, fields: list[tuple[str, str]]) -> tuple[Run, Run]:
    baseline_url = create_database(server, "bench_copy")
    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("psql is missing (Debian: apt-get install postgresql-client)")
    script = (f"CREATE TABLE {TABLE} ({sql_columns(fields, 'postgresql')});\n"
              f"\\copy {TABLE} FROM '{csv}' WITH (FORMAT csv, HEADER true)\n")
    baseline = run_measured([psql, "-v", "ON_ERROR_STOP=1", "-q", baseline_url], script)
    return baseline, woken(csv, create_database(server, "bench_woken"))


def sqlite_pair(folder: Path, csv: Path, fields: list[tuple[str, str]]) -> tuple[Run, Run]:
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        raise SystemExit("the sqlite3 command is missing (Debian: apt-get install sqlite3)")
    script = (f"CREATE TABLE {TABLE} ({sql_columns(fields, 'sqlite')});\n"
              f".import --csv --skip 1 {csv} {TABLE}\n")
    baseline = run_measured([sqlite3, "-bail", str(folder / "import.db")], script)
    return baseline, woken(csv, f"sqlite:///{folder / 'woken.db'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=50)
    parser.add_argument("--backends", default="postgresql,sqlite",
                        help="comma-separated: postgresql, sqlite")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    fields = columns(args.columns)
    folder = Path(tempfile.mkdtemp(prefix="woken-load-bench-"))
    try:
        csv = folder / f"{TABLE}.csv"
        started = time.perf_counter()
        write_csv(csv, args.rows, fields)
        size_mb = csv.stat().st_size / 1e6
        print(f"CSV: {args.rows} rows x {len(fields)} columns, {size_mb:.0f} MB "
              f"(written in {time.perf_counter() - started:.1f} s)")
        figures: dict[str, dict[str, float]] = {}
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        if "postgresql" in backends:
            with throwaway_postgres() as server:
                figures["postgresql"] = report("PostgreSQL", "psql \\copy",
                                               *postgres_pair(server, csv, fields))
        if "sqlite" in backends:
            figures["sqlite"] = report("SQLite", "sqlite3 .import",
                                       *sqlite_pair(folder, csv, fields))
        if args.json:
            args.json.write_text(json.dumps(
                {"rows": args.rows, "columns": len(fields), "csv_mb": size_mb, **figures},
                indent=2))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(backend: str, tool: str, baseline: Run, loaded: Run) -> dict[str, float]:
    ratio = loaded.seconds / baseline.seconds
    print(f"{backend}: {tool} {baseline.seconds:.1f} s (peak {baseline.peak_mb:.0f} MB), "
          f"woken load-data {loaded.seconds:.1f} s (peak {loaded.peak_mb:.0f} MB): "
          f"ratio {ratio:.2f} (target <= 2)")
    return {"baseline_s": baseline.seconds, "woken_s": loaded.seconds, "ratio": ratio,
            "baseline_peak_mb": baseline.peak_mb, "woken_peak_mb": loaded.peak_mb}


if __name__ == "__main__":
    main()
