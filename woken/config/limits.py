"""Limits on one request's size, as settings: the ``[limits]`` section of the configuration.

Each limit bounds what one request may cost before anything runs (checked by
:mod:`woken.planning.limits`). They are the ``[limits]`` section of the configuration
(``WOKEN_LIMITS_<NAME>`` in the environment), so that an operator with bigger
needs raises one without a new release.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTION = "limits"


@dataclass(frozen=True)
class RequestLimits:
    """The `[limits]` section of the configuration: what one request may ask for."""

    # The request body, in bytes (413 past it). 80,000 covariables take ~1.6 MB.
    max_body_bytes: int = 4 * 1024**2
    # JSON nesting: a filter 16 groups deep is ~35 levels.
    max_json_depth: int = 64
    # Codes in `variables`, and in each of `covariables` and `grouping`.
    max_variables: int = 64
    max_covariables: int = 1000
    # Values of one `in` / `not_in` filter rule.
    max_filter_values: int = 1000
    # Jobs one experiment plans: per algorithm, its model and a train and a test per fold
    # (50 algorithms with k = 20 would be 2,050 jobs).
    max_experiment_jobs: int = 500


def setting(name: str) -> str:
    """How an operator changes a limit: its key in the file and its environment variable."""
    return f"{SECTION}.{name} (WOKEN_{SECTION.upper()}_{name.upper()})"
