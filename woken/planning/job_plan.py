"""A job ready to run: the validated request, the selected rows, and what the container gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from woken.catalogue.registry import AlgorithmSpec
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.planning.provenance import ResultContext


@dataclass(frozen=True)
class JobPlan:
    """A job ready to run: its algorithm, variables, parameters and selected rows."""

    algorithm: AlgorithmSpec
    variables: list[VariableMeta]
    covariables: list[VariableMeta]
    grouping: list[VariableMeta]
    parameters: dict[str, str]
    datasets: list[str]
    data: SelectedData
    # The request as the client sent it, stored with the job.
    request: dict[str, Any] = field(default_factory=dict)
    timeout_s: float = 600.0
    test_data: SelectedData | None = None
    # The SELECT as SQL text, only for legacy images that read the database themselves.
    legacy_query: str | None = None
    # The 2019 fields of its result (provenance, feedback, the query as understood).
    context: ResultContext | None = None
    # folds.json of a batched `cross_validate` job (the fold of each row, per validation).
    folds: dict[str, Any] | None = None

    def step_request(self, experiment_id: str, step: str) -> dict[str, Any]:
        """The request an experiment's job row holds: its experiment and step.

        A batched job also names how many folds of each validation it runs (``{"v0":
        10}``): the experiment's progress shows them, as it shows the fold jobs of the
        per-fold path.
        """
        request: dict[str, Any] = {"experiment": experiment_id, "step": step}
        if self.folds is not None:
            request["folds"] = {f"v{v['index']}": v["k"] for v in self.folds["validations"]}
        return request

    @property
    def all_variables(self) -> list[VariableMeta]:
        return [*self.variables, *self.covariables, *self.grouping]

    def job_document(self, job_id: str) -> dict[str, Any]:
        """The `job.json` the algorithm reads (see `woken.algorithms.common.volume`)."""
        return {
            "job_id": job_id,
            "algorithm": self.algorithm.code,
            "variables": [v.code for v in self.variables],
            "covariables": [v.code for v in self.covariables],
            "grouping": [v.code for v in self.grouping],
            "metadata": {v.code: v.to_json() for v in self.all_variables},
            "parameters": self.parameters,
            "datasets": self.datasets,
        }
