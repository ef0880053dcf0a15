"""What every local step shares: its signature, the site's policy, moments and masked counts.

A local step runs in a job at a site, on that site's rows (a
:class:`~woken.algorithms.federatedStep.local_data.LocalData`), and returns a JSON
object of aggregates whose size depends on the number of variables, never on the
number of rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from woken.algorithms.federatedStep.local_data import LocalData

Aggregates = dict[str, Any]


@dataclass(frozen=True)
class Policy:
    """The site's privacy settings that a local step applies itself."""

    min_cell_count: int
    # False (the default): a site's min and max leave rounded outward (`bounds`), never as
    # a value of one of its rows; True: exact.
    exact_extremes: bool = False


LocalStep = Callable[[LocalData, dict[str, Any], Policy], Aggregates]


def as_json(value: np.ndarray | float) -> Any:
    """A numpy value as JSON numbers (float64's repr round-trips exactly)."""
    return np.asarray(value, dtype=np.float64).tolist()


def moments(values: np.ndarray) -> tuple[int, float, float]:
    """Count, mean and sum of squared deviations of one group's values."""
    if len(values) == 0:
        return 0, 0.0, 0.0
    mean = float(values.mean())
    return len(values), mean, float(((values - mean) ** 2).sum())


def bounds(values: np.ndarray, policy: Policy) -> tuple[float, float]:
    """The range of ``values`` as it may leave the site.

    Exact if the site allows it; otherwise rounded outward to two significant digits
    of the larger magnitude (23.41 .. 81.72 leaves as 23 .. 82): it holds every value,
    and is no patient's own value unless one sits on the grid.
    """
    low, high = float(values.min()), float(values.max())
    if policy.exact_extremes:
        return low, high
    magnitude = max(abs(low), abs(high))
    if magnitude == 0:
        return 0.0, 0.0
    step = 10.0 ** (math.floor(math.log10(magnitude)) - 1)
    down, up = math.floor(low / step) * step, math.ceil(high / step) * step
    # A product a rounding error put inside the range goes one step out.
    return (down if down <= low else down - step), (up if up >= high else up + step)


def masked(count: int, policy: Policy) -> int | None:
    """A count as it may leave the site: None when 0 < count < min_cell_count."""
    return None if 0 < count < policy.min_cell_count else int(count)
