"""The checks of one request's size against the limits: a request past one is a 400 that names it.

The limits themselves are settings (:mod:`woken.config.limits`, the ``[limits]``
section). Each bounds what one request may cost before anything runs: the body
(decoding), the variables (planning and the SELECT), the values of an ``in``
filter (bound parameters), the jobs of an experiment (threads, processes,
rows in woken-db).
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

from woken.config.limits import SECTION, RequestLimits, setting
from woken.errors import BadRequest, PayloadTooLarge
from woken.features.filter_rules import LIST_VALUE, Filter, Group


def over_limit(what: str, given: int, name: str, limit: int) -> BadRequest:
    return BadRequest(
        f"{what}: {given} is over the limit of {limit} (setting {setting(name)})",
        {"limit": f"{SECTION}.{name}", "max": limit, "given": given},
    )


def check_body_size(size: int, limits: RequestLimits) -> None:
    if size > limits.max_body_bytes:
        raise body_too_large(limits, f"of {size} bytes ")


def body_too_large(limits: RequestLimits, size: str = "") -> PayloadTooLarge:
    return PayloadTooLarge(
        f"request body {size}is over the limit of {limits.max_body_bytes} bytes "
        f"(setting {setting('max_body_bytes')})",
        {"limit": f"{SECTION}.max_body_bytes", "max": limits.max_body_bytes},
    )


def check_selection_size(
    variables: Sized, covariables: Sized, grouping: Sized, limits: RequestLimits
) -> None:
    """Checked before any code is looked up: planning cost grows with these counts."""
    for role, codes, name, limit in (
        ("variables", variables, "max_variables", limits.max_variables),
        ("covariables", covariables, "max_covariables", limits.max_covariables),
        ("grouping", grouping, "max_covariables", limits.max_covariables),
    ):
        if len(codes) > limit:
            raise over_limit(f"too many {role}", len(codes), name, limit)


def check_body_counts(document: Any, limits: RequestLimits) -> None:
    """The counts of a decoded request body, before its schema is checked.

    Validating 80,000 covariables takes the schema seconds: a body over a limit is
    refused on the lengths of its lists alone (whatever their items).
    """
    if not isinstance(document, dict):
        return
    variables, covariables, grouping = (
        value if isinstance(value, list) else []
        for value in (document.get(role) for role in ("variables", "covariables", "grouping"))
    )
    check_selection_size(variables, covariables, grouping, limits)
    algorithms = document.get("algorithms")
    if isinstance(algorithms, list):
        check_experiment_jobs(len(algorithms), limits)  # each is at least one job


def check_filter_size(filter_: Filter | None, limits: RequestLimits) -> None:
    """Every ``in``/``not_in`` rule holds at most ``max_filter_values`` values."""
    pending: list[Group] = [filter_] if filter_ is not None else []
    while pending:
        for item in pending.pop().rules:
            if isinstance(item, Group):
                pending.append(item)
            elif item.operator in LIST_VALUE and len(item.value) > limits.max_filter_values:
                raise over_limit(f"too many values in filter rule on '{item.field}'",
                                 len(item.value), "max_filter_values", limits.max_filter_values)


def check_experiment_jobs(jobs: int, limits: RequestLimits) -> None:
    if jobs > limits.max_experiment_jobs:
        raise over_limit("an experiment of too many jobs (algorithms x folds)", jobs,
                         "max_experiment_jobs", limits.max_experiment_jobs)
