"""From a request to a runnable plan: every check that can fail on the client's input.

The order matters for the messages: the dataset, then the algorithm and its
parameters, then the variables (against the metadata: this is what makes codes
safe SQL identifiers), then their fit with the algorithm, then the filters,
and last the data selection itself.
"""

from __future__ import annotations

from woken.api.schemas import MiningQuery, Selection
from woken.errors import BadRequest
from woken.features.filters import filter_fields, parse_filters
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.job_plan import JobPlan
from woken.registry import AlgorithmSpec
from woken.services import Services

# The pseudo-algorithm that returns the selected rows themselves (contract §1).
DATA_ALGORITHM = "data"


def datasets_of(services: Services, query: Selection) -> list[str]:
    datasets = query.datasets or [services.config.default_dataset]
    for code in datasets:
        services.features.dataset(code)  # raises BadRequest for an unknown data set
    if len(set(datasets)) != len(datasets):
        raise BadRequest("a dataset is listed twice")
    return datasets


def resolve_variables(
    services: Services, query: Selection, datasets: list[str]
) -> tuple[list[VariableMeta], list[VariableMeta], list[VariableMeta]]:
    roles = (query.variables, query.covariables, query.grouping)
    codes = [code for role in roles for code in role]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise BadRequest(f"variable(s) used more than once: {', '.join(repeated)}")
    metas = services.features.resolve(datasets, codes)
    variables = metas[: len(query.variables)]
    covariables = metas[len(query.variables) : len(query.variables) + len(query.covariables)]
    grouping = metas[len(query.variables) + len(query.covariables) :]
    return variables, covariables, grouping


def select_rows(
    services: Services, query: Selection, datasets: list[str], metas: list[VariableMeta]
) -> SelectedData:
    filters = parse_filters(query.filters)
    if filters is not None:
        services.features.resolve(datasets, sorted(filter_fields(filters)))
    selected = services.features.select(datasets, [m.code for m in metas], filters)
    if not selected.rows:
        raise BadRequest(
            "no rows to work on: every row is filtered out or misses a value of "
            f"{', '.join(m.code for m in metas)}"
        )
    return selected


def plan_job(services: Services, query: MiningQuery, algorithm: AlgorithmSpec) -> JobPlan:
    datasets = datasets_of(services, query)
    parameters = algorithm.resolve_parameters(query.algorithm.parameters)
    variables, covariables, grouping = resolve_variables(services, query, datasets)
    algorithm.check_variables(variables, covariables, grouping)
    metas = [*variables, *covariables, *grouping]
    data = select_rows(services, query, datasets, metas)
    legacy_query = None
    if algorithm.legacy_database:
        legacy_query = services.features.select_sql(
            datasets, [m.code for m in metas], query.filters
        )
    return JobPlan(
        algorithm=algorithm,
        variables=variables,
        covariables=covariables,
        grouping=grouping,
        parameters=parameters,
        datasets=datasets,
        data=data,
        request=query.raw,
        timeout_s=algorithm.timeout_for(parameters, services.config.job_timeout_s),
        legacy_query=legacy_query,
    )


def select_data(services: Services, query: Selection) -> SelectedData:
    """The `data` pseudo-algorithm: the selected rows, no container."""
    datasets = datasets_of(services, query)
    variables, covariables, grouping = resolve_variables(services, query, datasets)
    return select_rows(services, query, datasets, [*variables, *covariables, *grouping])
