"""How AutoML's choice among its portfolio fares on many outer splits: the selection rules.

`automl_vs_fixed.py` judges AutoML on one outer split (seed 2026) through the HTTP API,
and on a table of 150-300 rows one row of a test fold moves the mean by 0.005: the bar.
This script asks the question the choice of a selection rule needs: over several outer
seeds, how often does each rule come within 0.005 of the best fixed algorithm?

For every data set, outer seed and fold (the rows Woken selects, `make_folds`, k = 5), it
caches each portfolio member's out-of-fold predictions on the search's internal shuffles
of the training rows and its predictions on the outer test rows (`--cache`: minutes on
2 cores the first time, then seconds). Each rule then chooses from the cache, and its
answer (one member or a vote) is scored on the test rows. TPOT is left out: it costs a
minute per fold and seldom weighs in on these tables. The bar of each pair is the best
of the portfolio's fixed algorithms (the very models Woken's jobs fit, see `portfolio`),
picked on the test folds; beside it, the careful manual choice: on each fold, the fixed
algorithm with the best internal score on the training rows (nested, like AutoML).

    .venv/bin/python benchmarks/automl_selection_rules.py [--seeds 2026,7,11,13]
        [--datasets iris,pima] [--jobs 2] [--cache /tmp/woken-selection-cache]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from automl_selection import K, container_rows  # noqa: E402
from automl_vs_fixed import BAR_MARGIN, TARGETS, mean_and_error  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.preprocessing import LabelEncoder  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from woken.algorithms.tpot import selection  # noqa: E402
from woken.algorithms.tpot.candidates import (  # noqa: E402
    Candidate,
    Splits,
    evaluate,
    mean_score,
    predict,
    ranked,
)
from woken.algorithms.tpot.metrics import score  # noqa: E402
from woken.algorithms.tpot.portfolio import members  # noqa: E402
from woken.algorithms.tpot.prepare import preparation  # noqa: E402
from woken.validation.folds import make_folds  # noqa: E402

SCORING = {"classification": "accuracy", "regression": "r2"}
# The in-process references of automl_vs_fixed.py, as portfolio members.
REFERENCES = ("scaled logistic regression", "scaled ridge (RidgeCV)", "scaled k-NN (k = 5)")


def cache_fold(code: str, seed: int, fold_index: int, cache: Path) -> Path:
    """One outer fold's members: internal out-of-fold predictions and test predictions."""
    path = cache / f"{code}-{seed}-{fold_index}.pickle"
    if path.exists():
        return path
    warnings.simplefilter("ignore")
    X, y, nominal, problem = container_rows(code)
    n_classes = None
    if problem == "classification":
        encoder = LabelEncoder().fit(y)
        y, n_classes = encoder.transform(y), len(encoder.classes_)
    fold = make_folds(len(y), K, seed, list(y) if problem == "classification" else None)[
        fold_index]
    train, test = np.array(fold.train_rows), np.array(fold.test_rows)
    splits = Splits.for_rows(problem, 5, seed, len(train))
    shuffles = splits.shuffles(X[train], y[train])
    found: dict[str, Any] = {"problem": problem, "y_train": y[train], "y_test": y[test],
                             "shuffles": shuffles, "members": []}
    prepare = preparation(X.shape[1], nominal)
    with threadpool_limits(limits=1):
        for member in members(problem):
            candidate = evaluate(
                Candidate(member.name, "portfolio", member.pipeline(clone(prepare), seed)),
                X[train], y[train], shuffles, SCORING[problem], n_classes)
            if candidate.error:
                continue
            fitted = clone(candidate.pipeline).fit(X[train], y[train])
            found["members"].append({
                "name": member.name, "algorithm": member.algorithm,
                "internal": candidate.predictions,
                "test": predict(fitted, X[test], n_classes),
            })
    path.write_bytes(pickle.dumps(found))
    return path


Rule = Callable[[list[Candidate], dict[str, Any]], dict[str, float]]


def woken_rule(ranking: dict[str, str]) -> Rule:
    """Woken's `selection.select`, with the candidates ranked by ``ranking``."""
    def choose(scored: list[Candidate], fold: dict[str, Any]) -> dict[str, float]:
        with mock.patch.object(selection, "RANKING", ranking):
            chosen = selection.select(scored, fold["y_train"], fold["shuffles"],
                                      SCORING[fold["problem"]], fold["problem"])
        assert chosen is not None
        return {c.name: w for c, w in chosen.weights}
    return choose


def single_best(scored: list[Candidate], fold: dict[str, Any]) -> dict[str, float]:
    return {ranked(scored)[0].name: 1.0}


def uniform_vote(size: int) -> Rule:
    """A vote of equal weights among the ``size`` best by Woken's ranking."""
    def choose(scored: list[Candidate], fold: dict[str, Any]) -> dict[str, float]:
        problem = fold["problem"]
        best = selection.ranked_by_ranking(scored, fold["y_train"], fold["shuffles"],
                                           SCORING[problem], problem)
        return {c.name: 1.0 for c in best[:size]}
    return choose


def best_alone_competes(scored: list[Candidate], fold: dict[str, Any]) -> dict[str, float]:
    """Woken's greedy blend, unless the best candidate alone by the job's scorer scores as
    well on the internal folds (the log loss ranking can leave it out of the blend's pool:
    a k-NN's vote fractions put probability 0 on some true classes)."""
    blend = selection.select(scored, fold["y_train"], fold["shuffles"],
                             SCORING[fold["problem"]], fold["problem"])
    assert blend is not None
    best = ranked(scored)[0]
    if best.score is not None and best.score >= blend.score:
        return {best.name: 1.0}
    return {c.name: w for c, w in blend.weights}


WOKENS = "greedy selection, ranked by the smoothed log loss (Woken's)"
RULES: dict[str, Rule] = {
    "single best by the job's scorer": single_best,
    "greedy selection, ranked by the job's scorer (issue 11)": woken_rule({}),
    "greedy selection, ranked by log loss (before)": woken_rule(
        {"classification": "neg_log_loss"}),
    "uniform vote of the 5 best by Woken's ranking": uniform_vote(5),
    "greedy, or the best alone by the job's scorer if it scores as well": best_alone_competes,
    WOKENS: woken_rule(selection.RANKING),
}


def candidates_of(fold: dict[str, Any]) -> list[Candidate]:
    found = []
    for member in fold["members"]:
        # A stand-in pipeline with class probabilities: only the predictions are read.
        candidate = Candidate(member["name"], "portfolio", GaussianNB(),
                              predictions=member["internal"])
        candidate.score = mean_score(member["internal"], fold["y_train"], fold["shuffles"],
                                     SCORING[fold["problem"]])
        found.append(candidate)
    return found


def outer_score(fold: dict[str, Any], weights: dict[str, float]) -> float:
    """The weighted vote's (or the one member's) primary score on the outer test rows."""
    tests = {m["name"]: m["test"] for m in fold["members"]}
    blend: npt.NDArray[np.float64] = sum(
        w * tests[name] for name, w in weights.items()) / sum(weights.values())
    return score(SCORING[fold["problem"]], fold["y_test"], blend)


def manual_choice(scored: list[Candidate], fold: dict[str, Any]) -> dict[str, float]:
    """The careful manual choice: the fixed algorithm with the best internal score."""
    fixed = {m["name"] for m in fold["members"] if m["algorithm"]}
    return {ranked([c for c in scored if c.name in fixed])[0].name: 1.0}


def scores_of(fold: dict[str, Any]) -> dict[str, Any]:
    """One outer fold's test scores: each fixed algorithm, reference, rule, and the
    manual choice."""
    def alone(name: str) -> float:
        return outer_score(fold, {name: 1.0})

    scored = candidates_of(fold)
    return {
        "fixed": {m["algorithm"]: alone(m["name"]) for m in fold["members"] if m["algorithm"]},
        "references": {m["name"]: alone(m["name"]) for m in fold["members"]
                       if m["name"] in REFERENCES},
        "manual": outer_score(fold, manual_choice(scored, fold)),
        "rules": {name: outer_score(fold, rule(scored, fold)) for name, rule in RULES.items()},
    }


def judge(folds: list[dict[str, Any]]) -> dict[str, Any]:
    """The bars and each rule's mean test score over some outer folds (the best fixed
    algorithm and reference are those with the best mean over these folds)."""
    def means(kind: str) -> dict[str, float]:
        return {name: float(np.mean([f[kind][name] for f in folds])) for name in folds[0][kind]}

    return {
        "fixed": max(means("fixed").items(), key=lambda pair: pair[1]),
        "reference": max(means("references").values()),
        "manual": float(np.mean([f["manual"] for f in folds])),
        "rules": {name: float(np.mean([f["rules"][name] for f in folds])) for name in RULES},
        # Woken's rule minus the manual choice, fold by fold: mean and standard error.
        "against_manual": mean_and_error([f["rules"][WOKENS] - f["manual"] for f in folds]),
        "against_manual_by_rule": {
            name: mean_and_error([f["rules"][name] - f["manual"] for f in folds])
            for name in RULES},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(d for d in TARGETS if d != "anorexia"))
    parser.add_argument("--seeds", default="2026,7,11,13")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/woken-selection-cache"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    codes = args.datasets.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    with ProcessPoolExecutor(args.jobs) as pool:
        paths = {(code, seed, i): pool.submit(cache_fold, code, seed, i, args.cache)
                 for seed in seeds for code in codes for i in range(K)}
        scores = {key: scores_of(pickle.loads(future.result().read_bytes()))
                  for key, future in paths.items()}
    pairs = {(code, seed): judge([scores[(code, seed, i)] for i in range(K)])
             for code in codes for seed in seeds}
    print(f"{len(pairs)} (data set, outer seed) pairs, k = {K}; bar: the best fixed "
          f"algorithm's mean test score - {BAR_MARGIN}\n")
    print("| Rule | ≥ best fixed - 0.005 | ≥ best reference - 0.005 | ≥ manual choice - 0.005 "
          "| mean gap to best fixed | sum of shortfalls |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in RULES:
        gaps = np.array([p["rules"][name] - p["fixed"][1] for p in pairs.values()])
        to_reference = np.array([p["rules"][name] - p["reference"] for p in pairs.values()])
        to_manual = np.array([p["rules"][name] - p["manual"] for p in pairs.values()])
        print(f"| {name} | {np.sum(gaps >= -BAR_MARGIN)} / {len(gaps)} "
              f"| {np.sum(to_reference >= -BAR_MARGIN)} / {len(gaps)} "
              f"| {np.sum(to_manual >= -BAR_MARGIN)} / {len(gaps)} | {np.mean(gaps):+.4f} "
              f"| {np.sum(np.minimum(gaps + BAR_MARGIN, 0)):.3f} |")
    print("\n| Data set | Seed | Best fixed | Manual choice | " + " | ".join(
        f"rule {i + 1}" for i in range(len(RULES))) + " |")
    print("|---|---:|---|---:|" + "---:|" * len(RULES))
    for (code, seed), p in sorted(pairs.items()):
        algorithm, value = p["fixed"]
        print(f"| {code} | {seed} | {algorithm} {value:.3f} | {p['manual']:.3f} | " + " | ".join(
            f"{p['rules'][name]:.3f}" for name in RULES) + " |")
    print(f"\nEach data set over the {len(seeds) * K} outer folds of its seeds: Woken's rule "
          "against the best fixed algorithm (picked on these test folds) and against the "
          "careful manual choice (picked on each fold's training rows), paired by fold.\n")
    print("| Data set | Best fixed | Manual choice | Woken | Woken - manual | "
          "≥ fixed - 0.005 | ≥ manual - 0.005 |")
    print("|---|---|---:|---:|---:|:-:|:-:|")
    for code in codes:
        d = judge([scores[(code, seed, i)] for seed in seeds for i in range(K)])
        (algorithm, value), woken = d["fixed"], d["rules"][WOKENS]
        gap, error = d["against_manual"]
        print(f"| {code} | {algorithm} {value:.3f} | {d['manual']:.3f} | {woken:.3f} "
              f"| {gap:+.4f} ± {error:.4f} | {'yes' if woken >= value - BAR_MARGIN else 'no'} "
              f"| {'yes' if woken >= d['manual'] - BAR_MARGIN else 'no'} |")
    print("\nEach rule against the careful manual choice, paired by fold (mean ± SE):\n")
    print("| Data set | " + " | ".join(f"rule {i + 1}" for i in range(len(RULES))) + " |")
    print("|---|" + "---:|" * len(RULES))
    for code in codes:
        d = judge([scores[(code, seed, i)] for seed in seeds for i in range(K)])
        print(f"| {code} | " + " | ".join(
            "{:+.4f} ± {:.4f}".format(*d["against_manual_by_rule"][name]) for name in RULES)
            + " |")


if __name__ == "__main__":
    main()
