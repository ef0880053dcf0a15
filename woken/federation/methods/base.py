"""What a federated algorithm is: named local steps, and a driver that runs the rounds.

A local step runs at a site, as a job on the site's backend
(``woken.algorithms.federatedStep``), and returns a JSON object of aggregates whose
size depends on the number of variables, never on the number of rows. The driver
(``run``) runs at the central:
it asks every site for one step at a time (:class:`Rounds`) and combines the answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from woken.algorithms.federatedStep.sums import Aggregates, as_json
from woken.errors import BadRequest

__all__ = ["Aggregates", "as_json"]


@dataclass(frozen=True)
class MethodRequest:
    """The variables of a federated request and its algorithm's parameters."""

    variables: list[str]
    covariables: list[str]
    parameters: dict[str, Any] = field(default_factory=dict)

    def target(self) -> str:
        if len(self.variables) != 1:
            raise BadRequest("this algorithm takes exactly one variable (its target)")
        return self.variables[0]

    def parameter(self, name: str, default: Any) -> Any:
        return self.parameters.get(name, default)


class Rounds(Protocol):
    """The central's channel to its sites: one local step, asked of every site."""

    def ask(self, step: str, params: dict[str, Any]) -> list[Aggregates]:
        """Every site's answer to ``step`` (in the sites' order); raises if one fails."""
        ...


class FederatedMethod(Protocol):
    """A federated algorithm: its code and its driver.

    Its local steps are in ``woken.algorithms.federatedStep``, run as jobs at the sites.
    """

    code: str

    def run(self, rounds: Rounds, request: MethodRequest) -> dict[str, Any]:
        """The algorithm's result, from the sites' aggregates."""
        ...


class PredictiveMethod(FederatedMethod, Protocol):
    """A federated algorithm whose result is a model that predicts (validation uses it).

    The sites predict: ``woken.algorithms.federatedStep.scoring``.
    """

    problem: str  # "regression" or "classification"


def request_params(request: MethodRequest) -> dict[str, Any]:
    """What every local step receives about the request."""
    return {"variables": request.variables, "covariables": request.covariables,
            "parameters": request.parameters}


def same_across_sites(answers: Sequence[Aggregates], key: str) -> Any:
    """The value of ``key`` that every site answered (names of columns, levels)."""
    first = answers[0][key]
    for answer in answers[1:]:
        if answer[key] != first:
            raise BadRequest(f"the sites disagree on {key}: {first!r} and {answer[key]!r} "
                             "(their metadata differ)")
    return first


def total(answers: Sequence[Aggregates], key: str) -> np.ndarray:
    """The sum over the sites of an array answer."""
    return np.sum([np.asarray(a[key], dtype=np.float64) for a in answers], axis=0)


def pooled_moments(ns: np.ndarray, means: np.ndarray, m2s: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and sum of squared deviations of pooled groups (Chan et al.'s formula).

    ``ns``, ``means``, ``m2s`` have the groups on axis 0; exact, and stable where the
    sum of squares minus n times the squared mean would cancel.
    """
    n = ns.sum(axis=0)
    safe_n = np.where(n > 0, n, 1)
    mean = (ns * means).sum(axis=0) / safe_n
    m2 = m2s.sum(axis=0) + (ns * (means - mean) ** 2).sum(axis=0)
    return n, mean, m2
