"""The bar of issue 25 in `automl_vs_fixed`'s report: AutoML against the careful manual
choice, the best in-process reference and the peers (FLAML, AutoGluon), per data set, the
tables the search was tuned on apart from those held out (`rdata.HELD_OUT`).

Done when (issue 25): on every data set AutoML's mean fold score >= the manual choice's -
one paired standard error, and the mean of AutoML - manual over the data sets >= 0;
AutoML >= the best reference - 0.005 on >= 75 % of them and >= FLAML on at least half;
AutoGluon reported; every fold within budget x 1.25 + 60 s.
"""

from __future__ import annotations

import statistics
from typing import Any

import rdata

MARGIN = 0.005
SHARE_OF_REFERENCES = 0.75
USED_SHARE = 0.8


def paired(a: list[float], b: list[float]) -> tuple[float, float] | None:
    """Mean of a - b over the same folds, and its standard error (None: not paired)."""
    if not a or len(a) != len(b):
        return None
    differences = [x - y for x, y in zip(a, b, strict=True)]
    error = (statistics.stdev(differences) / len(differences) ** 0.5
             if len(differences) > 1 else 0.0)
    return statistics.fmean(differences), error


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _yes(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "**no**")


def row(run: Any, settings: Any) -> dict[str, Any]:
    """One data set's figures for the bar (None where a part is missing)."""
    automl = next((a for a in run.algorithms if a.automl), None)
    peers = {p.code: p for p in run.peers}
    reference = max((r for r in run.references if r.mean is not None),
                    key=lambda r: r.mean, default=None)
    vs_manual = (paired(automl.folds, run.manual.folds)
                 if automl is not None and run.manual is not None else None)
    budget_s = settings.budgets[0] * 60
    limit_s = budget_s * 1.25 + 60
    used = [b.get("used_share") for b in run.fold_budgets if b.get("used_share") is not None]
    searches = [b["search_time_s"] for b in run.fold_budgets if b.get("search_time_s")]
    mean = automl.mean if automl is not None else None

    def at_least(other: Any, margin: float = 0.0) -> bool | None:
        if mean is None or other is None or other.mean is None:
            return None
        return mean >= other.mean - margin

    return {
        "code": run.code, "metric": run.metric, "automl": mean,
        "manual": run.manual.mean if run.manual else None, "vs_manual": vs_manual,
        "manual_ok": None if vs_manual is None else vs_manual[0] >= -vs_manual[1],
        "reference": reference, "reference_ok": at_least(reference, MARGIN),
        "flaml": peers.get("flaml"), "flaml_ok": at_least(peers.get("flaml")),
        "autogluon": peers.get("autogluon"),
        "used": used, "slowest_search_s": max(searches, default=None),
        "job_s": automl.fit_time_s if automl else None,
        "in_time": (None if automl is None or automl.fit_time_s is None else
                    max([automl.fit_time_s, *searches]) <= limit_s),
    }


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        ("| Data set | Metric | AutoML | Careful manual | AutoML - manual (± paired SE) "
        "| ≥ manual - SE | Best reference | ≥ ref - 0.005 | FLAML | ≥ FLAML | AutoGluon "
        "| Budget used per fold (min-max) | Slowest fold search (s) | Mean fold job (s) |"),
        "|---|---|---:|---:|---:|:-:|---|:-:|---:|:-:|---:|---:|---:|---:|",
    ]
    for r in rows:
        d, ref, used = r["vs_manual"], r["reference"], r["used"]
        difference = "-" if d is None else f"{d[0]:+.3f} ± {d[1]:.3f}"
        best = "-" if ref is None else f"{ref.label.removeprefix('ref: ')} {_fmt(ref.mean)}"
        share = f"{min(used):.0%}-{max(used):.0%}" if used else "-"
        slowest = "-" if r["slowest_search_s"] is None else f"{r['slowest_search_s']:.1f}"
        job = "-" if r["job_s"] is None else f"{r['job_s']:.1f}"
        flaml = _fmt(r["flaml"].mean) if r["flaml"] else "-"
        autogluon = _fmt(r["autogluon"].mean) if r["autogluon"] else "-"
        lines.append(
            f"| {r['code']} | {r['metric']} | {_fmt(r['automl'])} | {_fmt(r['manual'])} | "
            f"{difference} | {_yes(r['manual_ok'])} | {best} | {_yes(r['reference_ok'])} | "
            f"{flaml} | {_yes(r['flaml_ok'])} | {autogluon} | {share} | {slowest} | {job} |")
    return lines


def checks(rows: list[dict[str, Any]]) -> list[str]:
    """The done-when checks over these data sets, each with its count."""
    n = len(rows)
    manual = [r for r in rows if r["manual_ok"] is not None]
    differences = [r["vs_manual"][0] for r in rows if r["vs_manual"] is not None]
    refs = [r for r in rows if r["reference_ok"] is not None]
    flaml = [r for r in rows if r["flaml_ok"] is not None]
    folds = [u for r in rows for u in r["used"]]
    in_time = [r for r in rows if r["in_time"] is not None]
    mean_difference = statistics.fmean(differences) if differences else None
    return [
        (f"- AutoML ≥ careful manual - one paired SE: {sum(r['manual_ok'] for r in manual)} of "
        f"{len(manual)} data sets (of {n}); mean of AutoML - manual over them: "
        f"{'-' if mean_difference is None else f'{mean_difference:+.4f}'} "
        f"({'≥ 0' if mean_difference is not None and mean_difference >= 0 else '**< 0**'})."),
        (f"- AutoML ≥ best reference - 0.005: {sum(r['reference_ok'] for r in refs)} of "
        f"{len(refs)} ({_share(refs, 'reference_ok')}; the bar: ≥ 75 %)."),
        (f"- AutoML ≥ FLAML: {sum(r['flaml_ok'] for r in flaml)} of {len(flaml)} "
        f"({_share(flaml, 'flaml_ok')}; the bar: at least half)."),
        f"- AutoGluon reported on {sum(1 for r in rows if r['autogluon'])} of {n}.",
        (f"- Budget used ≥ {USED_SHARE:.0%} (search time / budget): "
        f"{sum(u >= USED_SHARE for u in folds)} of {len(folds)} folds."),
        (f"- In time (the slowest fold's search and the mean fold job ≤ budget x 1.25 + 60 s): "
        f"{sum(bool(r['in_time']) for r in in_time)} of {len(in_time)} data sets."),
    ]


def _share(rows: list[dict[str, Any]], key: str) -> str:
    return f"{sum(r[key] for r in rows) / len(rows):.0%}" if rows else "-"


def issue_25(runs: list[Any], settings: Any, context: dict[str, Any]) -> list[str]:
    """The section of the report: the set-up of the peers, the two tables, the checks."""
    budget_s = settings.budgets[0] * 60
    versions = {k: v for run in runs for p in run.peers
                for k, v in ((p.search or {}).get("versions") or {}).items()}
    tuned = [row(r, settings) for r in runs if r.code not in rdata.HELD_OUT]
    held_out = [row(r, settings) for r in runs if r.code in rdata.HELD_OUT]
    missing = [code for code in settings.datasets if code not in {r.code for r in runs}]
    lines = [
        (f"## Issue 25: the careful manual choice, the references and the peers, at "
        f"{budget_s:.0f} s per fold"),
        "",
        (f"Every system gets the same budget per fold: AutoML `max_time_mins` = "
         f"{settings.budgets[0]:g} ({budget_s:.0f} s), FLAML `time_budget` = {budget_s:.0f} s, "
         f"AutoGluon-Tabular `time_limit` = {budget_s:.0f} s (CPU only, no neural networks), "
         "one CPU per fold, two folds side by side; the peers run in-process in their own "
         "virtual environments (`scripts/flaml_venv.sh`, `scripts/autogluon_venv.sh`) on the "
         "same rows and folds (`benchmarks/automl_peers.py`). Peers' versions: "
         f"{', '.join(f'{k} {v}' for k, v in sorted(versions.items())) or 'none run'}."),
        "",
        f"Machine load (`uptime`) at the start and the end: {context.get('load', '-')}.",
        "",
        ("Missing from this run: " + ", ".join(missing) + "." if missing else
         "Every data set asked for is in."),
        "",
        "### The tables the search was tuned on",
        "",
        *table(tuned),
        "",
        *checks(tuned),
        "",
        "### Held out: chosen and frozen before any change to the search (`rdata.HELD_OUT`)",
        "",
        *table(held_out),
        "",
        *checks(held_out),
        "",
        "### All data sets",
        "",
        *checks(tuned + held_out),
        "",
    ]
    return lines
