"""How the job's time budget is split: portfolio first, then TPOT, then the choice.

Woken kills the job at budget x 1.25 + 60 s (the manifest's ``budget_*``); the search
stops itself well before: its phases (the portfolio, TPOT, and cross-validating TPOT's
best on the portfolio's splits) end by `FINISH_SHARE` of the budget, which leaves the
rest (and the grace) for the refit on all rows, saving the model, and the process
start. Folds run side by side (two on two cores), so a job that ends in time is what
keeps a k-fold experiment near (k + 1) / 2 budgets.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# The portfolio may take at most this share of the budget; TPOT gets what it leaves.
PORTFOLIO_SHARE = 0.4
# Every search phase ends by this share of the budget.
FINISH_SHARE = 0.75
# TPOT 1.1 overshoots its max_time_mins: it notices its deadline only between waits of up
# to one pipeline's limit (max_eval_time_mins), then refits its best. One pipeline may take
# at most this share of TPOT's time, which bounds the overshoot to about as much again...
TPOT_EVAL_SHARE = 0.2
# ...and TPOT is given its share / 1.25.
TPOT_OVERSHOOT = 1.25
# TPOT's own fixed costs beyond its max_time_mins: its last waits, refitting its best
# pipeline on all rows (measured: 11 s for a 9 s search of the linear space on breast
# cancer, on a 2-core machine at load 13).
TPOT_FIXED_S = 10.0
# Importing TPOT (dask, xgboost, lightgbm): 3 s on an idle machine, 14 s at load 13. It is
# not imported at all when even this would leave TPOT too little time.
TPOT_IMPORT_S = 10.0
# Below this, one generation cannot fit: TPOT is skipped.
MIN_TPOT_S = 5.0


@dataclass
class Clock:
    """Seconds since the search started, against a budget in seconds."""

    budget_s: float
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def portfolio_left(self) -> float:
        """What is left of the portfolio's share (negative: overspent)."""
        return self.budget_s * PORTFOLIO_SHARE - self.elapsed()

    def left(self) -> float:
        """What is left for the search phases (portfolio, TPOT, scoring TPOT's best)."""
        return self.budget_s * FINISH_SHARE - self.elapsed()

    def tpot_minutes(self, still_to_pay_s: float = 0.0, repeats: int = 1) -> float | None:
        """TPOT's max_time_mins for what is left (None: too little to start it).

        ``still_to_pay_s``: what is still to be paid before TPOT starts (its import).
        ``repeats``: the shuffles TPOT's best is then cross-validated on, beside the
        portfolio; each costs at most one pipeline's limit, `TPOT_EVAL_SHARE` of TPOT's time.
        """
        seconds = ((self.left() - still_to_pay_s - TPOT_FIXED_S)
                   / (TPOT_OVERSHOOT + repeats * TPOT_EVAL_SHARE))
        return None if seconds < MIN_TPOT_S else seconds / 60.0
