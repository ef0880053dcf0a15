"""From a request to a runnable plan: every check that can fail on the client's input.

The order matters for the messages: the datasets, then the variables (against
the metadata: this is what makes codes safe SQL identifiers), then each
algorithm, its parameters and the variables' fit with it, then the filters, and
last the data selection itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from woken.config import Config
from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.features.filters import filter_fields, parse_filters
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.job_plan import JobPlan
from woken.queries import MiningQuery, Selection
from woken.registry import AlgorithmSpec, Registry
from woken.request_limits import check_filter_size, check_selection_size


class PlanningContext(Protocol):
    """What planning reads: the settings, the features database and the catalogue."""

    @property
    def config(self) -> Config: ...

    @property
    def features(self) -> FeaturesDatabase: ...

    @property
    def registry(self) -> Registry: ...


# The pseudo-algorithm that returns the selected rows themselves (contract §1).
DATA_ALGORITHM = "data"


@dataclass(frozen=True)
class ResolvedSelection:
    """The request's datasets and variables, each checked against the metadata."""

    query: Selection
    datasets: list[str]
    variables: list[VariableMeta]
    covariables: list[VariableMeta]
    grouping: list[VariableMeta]

    @property
    def metas(self) -> list[VariableMeta]:
        return [*self.variables, *self.covariables, *self.grouping]


def resolve_selection(services: PlanningContext, query: Selection) -> ResolvedSelection:
    datasets = query.datasets or [services.config.default_dataset]
    for code in datasets:
        services.features.dataset(code)  # raises BadRequest for an unknown data set
    if len(set(datasets)) != len(datasets):
        raise BadRequest("a dataset is listed twice")
    check_selection_size(query.variables, query.covariables, query.grouping,
                         services.config.limits)
    roles = (query.variables, query.covariables, query.grouping)
    codes = [code for role in roles for code in role]
    # Counted once (a Counter), not once per code: linear in the request's size.
    repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
    if repeated:
        raise BadRequest(f"variable(s) used more than once: {', '.join(repeated)}")
    metas = services.features.resolve(datasets, codes)
    n_variables, n_covariables = len(query.variables), len(query.covariables)
    return ResolvedSelection(
        query=query,
        datasets=datasets,
        variables=metas[:n_variables],
        covariables=metas[n_variables : n_variables + n_covariables],
        grouping=metas[n_variables + n_covariables :],
    )


def select_rows(services: PlanningContext, selection: ResolvedSelection) -> SelectedData:
    filters = parse_filters(selection.query.filters)
    check_filter_size(filters, services.config.limits)
    if filters is not None:
        services.features.resolve(selection.datasets, sorted(filter_fields(filters)))
    codes = [m.code for m in selection.metas]
    selected = services.features.select(selection.datasets, codes, filters)
    if not selected.rows:
        raise BadRequest(
            f"no rows to work on: every row is filtered out or misses a value of {', '.join(codes)}"
        )
    return selected


def check_algorithm(
    algorithm: AlgorithmSpec, requested: Sequence[dict[str, Any]], selection: ResolvedSelection
) -> dict[str, str]:
    """The algorithm's resolved parameters, once they and the variables fit it."""
    parameters = algorithm.resolve_parameters(requested)
    algorithm.check_variables(selection.variables, selection.covariables, selection.grouping)
    return parameters


def job_plan(
    services: PlanningContext,
    selection: ResolvedSelection,
    data: SelectedData,
    algorithm: AlgorithmSpec,
    parameters: dict[str, str],
) -> JobPlan:
    legacy_query = None
    if algorithm.legacy_database:
        legacy_query = services.features.select_sql(
            selection.datasets, [m.code for m in selection.metas], selection.query.filters
        )
    return JobPlan(
        algorithm=algorithm,
        variables=selection.variables,
        covariables=selection.covariables,
        grouping=selection.grouping,
        parameters=parameters,
        datasets=selection.datasets,
        data=data,
        request=selection.query.raw,
        timeout_s=algorithm.timeout_for(parameters, services.config.job_timeout_s),
        legacy_query=legacy_query,
    )


def plan_job(services: PlanningContext, query: MiningQuery, algorithm: AlgorithmSpec) -> JobPlan:
    selection = resolve_selection(services, query)
    parameters = check_algorithm(algorithm, query.algorithm.parameters, selection)
    return job_plan(services, selection, select_rows(services, selection), algorithm, parameters)


def select_data(services: PlanningContext, query: Selection) -> SelectedData:
    """The `data` pseudo-algorithm: the selected rows, no container."""
    return select_rows(services, resolve_selection(services, query))
