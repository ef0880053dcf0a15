"""How the job's time budget is spent: portfolio first, then TPOT, then the choice.

Woken kills the job at budget x 1.25 + 60 s (the manifest's ``budget_*``); the search
stops itself before: its phases end at the budget less a reserve for the selection and
the refit on all rows, estimated from the candidates' own measured times (`reserve_for`;
`FINISH_SHARE` of the budget until one is measured), and a candidate still
cross-validating is given up when its next fit would end past that line. The grace is left for
saving the model and the process start.
The budget is spent, not merely bounded (issue 25: searches ended at 25-43 s of 60): TPOT
is imported in the background while the portfolio is scored, then evolves in rounds (each
continuing the last one's population) until the finish line is too close for another,
and when TPOT cannot run at all the portfolio's remaining members take its time, then
more shuffles of the candidates (`search._Board.more_shuffles`, up to
`search.MAX_SHUFFLES`): at 20 s per fold TPOT never had time for a round, and the search
ended at 55-78 % of its budget on a quiet machine. Folds run
side by side (two on two cores), so a job that ends in time is what keeps a k-fold
experiment near (k + 1) / 2 budgets.
"""

from __future__ import annotations

import importlib
import statistics
import threading
import time
from dataclasses import dataclass, field

from woken.algorithms.tpot.candidates import Candidate, ranked
from woken.algorithms.tpot.selection import TOP, scorings

# The portfolio may take at most this share of the budget; TPOT gets what it leaves.
PORTFOLIO_SHARE = 0.4
# Until a candidate has been scored, the portfolio and TPOT end by this share of the
# budget; then by the budget less what choosing among them (greedy selection over their
# out-of-fold predictions) and the refit on all rows are expected to take (`reserve_for`).
FINISH_SHARE = 0.8
# The reserve is that expectation times this: the selection's scorings and the refit are
# estimated from times measured earlier, on a machine whose load moves.
RESERVE_MARGIN = 1.5
# TPOT 1.1 overshoots its max_time_mins: it notices its deadline only between waits of up
# to one pipeline's limit (max_eval_time_mins), then refits its best. One pipeline may take
# at most this share of a round's time, which bounds the overshoot to about as much again...
TPOT_EVAL_SHARE = 0.2
# ...and a round is given its time / 1.25.
TPOT_OVERSHOOT = 1.25
# TPOT's own fixed costs beyond its max_time_mins, per round: its dask cluster, its last
# waits, refitting its best pipeline on all rows (measured: 11 s for a 9 s search of the
# linear space on breast cancer, on a 2-core machine at load 13; 39 s for a 3 s round at
# load 9). Below that, TPOT's round would be mostly its fixed costs, and the portfolio's
# members it did not reach take the time instead.
TPOT_FIXED_S = 10.0
# Below this, one generation cannot fit: no (further) round is started.
MIN_TPOT_S = 3.0


@dataclass
class Clock:
    """Seconds since the search started, against a budget in seconds.

    ``reserve_s``: the seconds kept at the end for the selection and the refit (None: the
    share `FINISH_SHARE` leaves, until a measured reserve is set, see `reserve_for`).
    """

    budget_s: float
    started: float = field(default_factory=time.monotonic)
    reserve_s: float | None = None

    def finish_line(self) -> float:
        """When the search phases end, in seconds since the start."""
        if self.reserve_s is None:
            return self.budget_s * FINISH_SHARE
        return max(0.0, self.budget_s - self.reserve_s)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def portfolio_left(self) -> float:
        """What is left of the portfolio's share (negative: overspent)."""
        return self.budget_s * PORTFOLIO_SHARE - self.elapsed()

    def left(self) -> float:
        """What is left for the search phases (portfolio, TPOT, scoring TPOT's best)."""
        return self.finish_line() - self.elapsed()

    def out_of_time(self, next_s: float = 0.0) -> bool:
        """Whether a step of ``next_s`` seconds would end past the finish line."""
        return self.left() <= next_s

    def tpot_minutes(self, repeats: int = 1) -> float | None:
        """The next TPOT round's max_time_mins for what is left (None: too little for one).

        ``repeats``: the shuffles TPOT's best is then cross-validated on, beside the
        portfolio; each costs at most one pipeline's limit, `TPOT_EVAL_SHARE` of the time.
        """
        seconds = (self.left() - TPOT_FIXED_S) / (TPOT_OVERSHOOT + repeats * TPOT_EVAL_SHARE)
        return None if seconds < MIN_TPOT_S else seconds / 60.0


def reserve_for(candidates: list[Candidate], fits_each: int) -> float | None:
    """The seconds to keep for choosing among these candidates and refitting the choice.

    The selection scores sets of predictions `selection.scorings` times, each about as
    long as scoring one candidate's took (their median is taken); the refit
    fits the blend's members once each on all rows: at most the `selection.TOP` best
    (the best by the job's scorer are taken), each about as long as one of its
    ``fits_each`` cross-validation fits took. Both times `RESERVE_MARGIN`. None before
    any candidate was scored.
    """
    scored = ranked(candidates)
    if not scored:
        return None
    scoring_s = statistics.median(c.scoring_s for c in scored) * scorings(len(scored) + 1)
    fit_s = sum((c.seconds - c.scoring_s) / max(1, fits_each) for c in scored[:TOP])
    return RESERVE_MARGIN * (scoring_s + fit_s)


class BackgroundImport:
    """TPOT imported on a thread while the portfolio is scored.

    With dask, xgboost and lightgbm it takes seconds (ten on a loaded machine): its import
    is then not paid from TPOT's time.
    """

    def __init__(self, module: str = "tpot") -> None:
        self.module = module
        self.error: BaseException | None = None
        self.seconds: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"import {module}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        try:
            importlib.import_module(self.module)
        except BaseException as error:  # reported by `wait`, in the search's summary
            self.error = error
        self.seconds = time.monotonic() - started

    def wait(self, timeout_s: float) -> str | None:
        """None once imported; else why TPOT cannot run (still importing, or failed)."""
        self._thread.join(max(0.0, timeout_s))
        if self._thread.is_alive():
            return f"{self.module} was still importing when its time ran out"
        if self.error is not None:
            return f"{self.module} failed to import: {type(self.error).__name__}: {self.error}"
        return None
