"""AutoML's search in-process, on the benchmark's outer folds: a quick check of its choice.

`automl_vs_fixed.py` measures AutoML through Woken's HTTP API (half an hour). This
script runs the same search (`woken.algorithms.tpot.search.run_search`) in-process on
the same rows and outer folds (the rows Woken selects, `make_folds` with the same seed
and k), scores each fold's answer on its test rows, and compares the mean with the
best fixed algorithm and the best reference of a results JSON of `automl_vs_fixed.py`.
With ``--portfolio-only`` TPOT is skipped (seconds per fold instead of a minute): the
portfolio and the selection alone.

    .venv/bin/python benchmarks/automl_selection.py [--portfolio-only] [--datasets iris,pima]
        [--seed 2026] [--jobs 2] [--bar benchmarks/results/automl_vs_fixed.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import rdata  # noqa: E402
from automl_vs_fixed import BAR_MARGIN, TARGETS  # noqa: E402

from woken.algorithms.common.manifest import parameter_rules  # noqa: E402
from woken.algorithms.common.parameters import Parameters  # noqa: E402
from woken.algorithms.tpot import search, selection  # noqa: E402
from woken.features.bundled import BUILDERS  # noqa: E402
from woken.validation.folds import make_folds  # noqa: E402

K = 5


def container_rows(code: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[Any],
                                       dict[int, tuple[str, ...]], str]:
    """The rows Woken selects (no missing value in a selected column, in order), as the
    tpot container sees them: one column per covariable, category indices for nominal ones."""
    data = BUILDERS[code]() if code in BUILDERS else rdata.dataset(rdata.TABLES[code])
    target = TARGETS[code]
    meta = {v.code: v for v in data.variables}
    covariables = [v.code for v in data.variables if v.code != target]
    complete = np.ones(data.row_count, dtype=bool)
    for name in [target, *covariables]:
        values = data.columns[name]
        complete &= (np.array([v is not None for v in values]) if meta[name].is_nominal
                     else ~np.isnan(np.asarray(values, dtype=float)))
    columns, nominal = [], {}
    for column, name in enumerate(covariables):
        values = data.columns[name][complete]
        if meta[name].is_nominal:
            categories = tuple(e["code"] for e in meta[name].enumerations)
            index = {category: float(i) for i, category in enumerate(categories)}
            columns.append(np.array([index.get(v, np.nan) for v in values]))
            nominal[column] = categories
        else:
            columns.append(np.asarray(values, dtype=float))
    problem = "classification" if meta[target].is_nominal else "regression"
    y = data.columns[target][complete]
    y = y.astype(str) if problem == "classification" else np.asarray(y, dtype=float)
    return np.column_stack(columns), y, nominal, problem


def run_fold(code: str, fold_index: int, seed: int, portfolio_only: bool,
             rule: str = selection.RULE) -> dict[str, Any]:
    """One outer fold: the search on its training rows, scored on its test rows."""
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.preprocessing import LabelEncoder

    warnings.simplefilter("ignore")
    selection.RULE = rule
    if portfolio_only:
        search._run_tpot = lambda *args: search.TpotRun(
            status="skipped: --portfolio-only",
            summary=search.summarize(None, "", "", 0.0))
    X, y, nominal, problem = container_rows(code)
    fold = make_folds(len(y), K, seed, list(y) if problem == "classification" else None)[
        fold_index]
    train, test = list(fold.train_rows), list(fold.test_rows)
    # The manifest's defaults (1 minute, cv 5, scoring accuracy or r2), with this seed.
    settings = search.SearchSettings.from_parameters(
        Parameters(values={"random_state": str(seed)}, rules=parameter_rules("tpot")), problem)
    started = time.monotonic()
    if problem == "classification":
        encoder = LabelEncoder().fit(y[train])
        outcome = search.run_search(settings, X[train], encoder.transform(y[train]), nominal)
        predicted = encoder.inverse_transform(outcome.pipeline.predict(X[test]))
        value = float(accuracy_score(y[test], predicted))
    else:
        outcome = search.run_search(settings, X[train], y[train], nominal)
        value = float(r2_score(y[test], outcome.pipeline.predict(X[test])))
    return {"code": code, "fold": fold_index, "score": value,
            "seconds": time.monotonic() - started,
            "chosen": outcome.summary["chosen"]["name"],
            "cv_score": outcome.summary["chosen"]["cv_score"],
            "tpot": outcome.summary["budget"]["tpot"]}


def bars(path: Path) -> dict[str, dict[str, Any]]:
    """The best fixed algorithm and the best reference of each data set of a results JSON."""
    results = json.loads(path.read_text())
    found = {}
    for run in results["datasets"]:
        fixed = [a for a in run["algorithms"] if not a["automl"] and a["mean"] is not None]
        automl = [a["mean"] for a in run["algorithms"] if a["automl"]]
        found[run["code"]] = {
            "fixed": max(fixed, key=lambda a: a["mean"]),
            "reference": max(run["references"], key=lambda a: a["mean"]),
            "automl": automl[0] if automl else None,
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(TARGETS))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--portfolio-only", action="store_true")
    parser.add_argument("--rule", choices=selection.RULES, default=selection.RULE,
                        help="the selection's rule on small tables (woken/algorithms/tpot/"
                        "selection.py RULE)")
    parser.add_argument("--bar", type=Path,
                        default=ROOT / "benchmarks" / "results" / "automl_vs_fixed.json")
    args = parser.parse_args()
    codes = [c for c in args.datasets.split(",") if c != "anorexia"]
    started = time.monotonic()
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_fold, code, i, args.seed, args.portfolio_only, args.rule)
                   for code in codes for i in range(K)]
        folds = [f.result() for f in futures]
    known = bars(args.bar) if args.bar.is_file() else {}
    print(f"{'data set':14} {'AutoML':>7} {'before':>7} {'fixed':>24} {'reference':>36} "
          f"{'s/fold':>6}  chosen per fold")
    met_fixed = met_reference = 0
    for code in codes:
        mine = [f for f in folds if f["code"] == code]
        mean = statistics.fmean(f["score"] for f in mine)
        seconds = statistics.fmean(f["seconds"] for f in mine)
        bar = known.get(code)
        text = f"{code:14} {mean:7.3f}"
        if bar and args.seed == 2026:
            fixed, reference = bar["fixed"], bar["reference"]
            ok_fixed = mean >= fixed["mean"] - BAR_MARGIN
            ok_reference = mean >= reference["mean"] - BAR_MARGIN
            met_fixed += ok_fixed
            met_reference += ok_reference
            text += (f" {bar['automl'] or float('nan'):7.3f} "
                     f"{fixed['label'][:14]:>14} {fixed['mean']:.3f} {'ok' if ok_fixed else '--'}"
                     f" {reference['label'][:26]:>26} {reference['mean']:.3f} "
                     f"{'ok' if ok_reference else '--'}")
        print(f"{text} {seconds:6.1f}  " + "; ".join(f["chosen"][:60] for f in mine))
    if known and args.seed == 2026:
        print(f"met: fixed {met_fixed}/{len(codes)}, reference {met_reference}/{len(codes)}; "
              f"{(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
