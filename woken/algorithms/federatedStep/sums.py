"""What every local step shares: its signature, the site's policy, moments and masked counts.

A local step runs in a job at a site, on that site's rows (a
:class:`~woken.algorithms.federatedStep.local_data.LocalData`), and returns a JSON
object of aggregates whose size depends on the number of variables, never on the
number of rows.
"""

from __future__ import annotations

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


def masked(count: int, policy: Policy) -> int | None:
    """A count as it may leave the site: None when 0 < count < min_cell_count."""
    return None if 0 < count < policy.min_cell_count else int(count)
