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

from woken.catalogue.registry import AlgorithmSpec, Registry
from woken.config import Config
from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.features.filters import filter_fields, parse_filters
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.planning.data_scope import DataScope, resolve_scope
from woken.planning.job_plan import JobPlan
from woken.planning.limits import check_filter_size, check_selection_size
from woken.planning.provenance import (
    KEPT_BUT_TARGET_POLICY,
    KEPT_MISSING_POLICY,
    MISSING_VALUES_POLICY,
    DatasetRows,
    ResultContext,
)
from woken.planning.queries import MiningQuery, Selection
from woken.results.data_resource import data_resource
from woken.results.experiment_2019 import is_2019_request


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
    """The request's table, datasets and variables, each checked against the metadata."""

    query: Selection
    scope: DataScope
    variables: list[VariableMeta]
    covariables: list[VariableMeta]
    grouping: list[VariableMeta]
    # What the client should know about how the request was read (dropped covariables).
    warnings: tuple[str, ...] = ()

    @property
    def datasets(self) -> list[str]:
        """The datasets the model is built on (the training datasets of an experiment)."""
        return self.scope.datasets

    @property
    def metas(self) -> list[VariableMeta]:
        return [*self.variables, *self.covariables, *self.grouping]

    def understood(self) -> dict[str, Any]:
        """The query as Woken understood it: the 2019 result's `query`."""
        def codes(items: Sequence[Any]) -> list[dict[str, str]]:
            return [{"code": getattr(item, "code", item)} for item in items]

        query = {
            **self.query.raw,
            "variables": codes(self.variables),
            "covariables": codes(self.covariables),
            "grouping": codes(self.grouping),
            "filters": self.query.filters,
            "targetTable": self.scope.table_json(),
            "datasets": codes(self.scope.datasets),
            "covariablesMustExist": self.query.covariables_must_exist,
        }
        if self.scope.held_out or "trainingDatasets" in self.query.raw:
            query["trainingDatasets"] = codes(self.scope.datasets)
            query["validationDatasets"] = codes(self.scope.held_out)
        return query


def resolve_selection(
    services: PlanningContext, query: Selection, training: Sequence[str] = (),
    held_out: Sequence[str] = (),
) -> ResolvedSelection:
    if query.execution_plan is not None:
        raise BadRequest(
            f"executionPlan {query.execution_plan!r} is not run here: this route computes on "
            "this node's data only; a federated run over several sites is POST "
            "/mining/federated on a central (send no executionPlan here)"
        )
    # Before any work that grows with the request: its size is bounded first.
    check_selection_size(query.variables, query.covariables, query.grouping,
                         services.config.limits)
    scope = resolve_scope(
        services.features, services.config.default_dataset, query.target_table,
        list(training) or query.datasets, held_out,
    )
    known = {meta.code for meta in services.features.variables(scope.all_datasets, scope.table)}
    variables, grouping = unquoted(query.variables, known), unquoted(query.grouping, known)
    covariables = unquoted(query.covariables, known)
    warnings: tuple[str, ...] = ()
    if not query.covariables_must_exist:
        dropped = [code for code in covariables if code not in known]
        covariables = [code for code in covariables if code in known]
        if dropped:
            warnings = ((
                f"covariable(s) {', '.join(repr(c) for c in dropped)} not in "
                f"dataset(s) {', '.join(scope.all_datasets)}: dropped "
                "(covariablesMustExist is false)"
            ),)
    roles = (variables, covariables, grouping)
    codes = [code for role in roles for code in role]
    # Counted once (a Counter), not once per code: linear in the request's size.
    repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
    if repeated:
        raise BadRequest(f"variable(s) used more than once: {', '.join(repeated)}")
    metas = services.features.resolve(scope.all_datasets, codes, scope.table)
    n_variables, n_covariables = len(variables), len(covariables)
    return ResolvedSelection(
        query=query,
        scope=scope,
        variables=metas[:n_variables],
        covariables=metas[n_variables : n_variables + n_covariables],
        grouping=metas[n_variables + n_covariables :],
        warnings=warnings,
    )


def unquoted(codes: Sequence[str], known: set[str]) -> list[str]:
    """Codes with one level of quotes removed where the 2017 script added them.

    Only when the quoted form is not itself a known code (codes are whatever the
    metadata holds) and the bare one is.
    """
    def bare(code: str) -> str:
        if code in known or len(code) < 3 or code[0] != code[-1] or code[0] not in "\"'":
            return code
        return code[1:-1] if code[1:-1] in known else code

    return [bare(code) if isinstance(code, str) else code for code in codes]


def select_rows(
    services: PlanningContext, selection: ResolvedSelection, datasets: Sequence[str] | None = None,
    role: str = "data",
    keep_missing: bool = False,
    required: Sequence[str] = (),
) -> tuple[SelectedData, list[DatasetRows]]:
    """The rows of ``datasets`` (default: the selection's), each dataset's in turn.

    Also how many rows of each were used and left out for a missing value (with
    ``keep_missing``, only rows missing a value of ``required`` are left out).
    """
    datasets = list(datasets if datasets is not None else selection.datasets)
    table = selection.scope.table  # the targetTable, if any: where the rows are read
    filters = parse_filters(selection.query.filters)
    check_filter_size(filters, services.config.limits)
    if filters is not None:
        services.features.resolve(datasets, sorted(filter_fields(filters)), table)
    codes = [m.code for m in selection.metas]
    rows: list[list[Any]] = []
    counts = []
    columns = codes
    policy = (MISSING_VALUES_POLICY if not keep_missing
              else KEPT_BUT_TARGET_POLICY if required else KEPT_MISSING_POLICY)
    for dataset in datasets:
        selected = services.features.select([dataset], codes, filters, keep_missing, required,
                                            table)
        columns = selected.columns
        total = services.features.count(dataset, filters, table)
        left_out = total - len(selected.rows)
        counts.append(DatasetRows(dataset, len(selected.rows), left_out, role, policy))
        rows.extend(selected.rows)
    if not rows:
        raise BadRequest(
            f"no rows to work on in {', '.join(datasets)}: every row is filtered out or "
            f"misses a value of {', '.join(codes)}"
        )
    return SelectedData(columns=columns, rows=rows), counts


def context(
    selection: ResolvedSelection, algorithm: str, rows: Sequence[DatasetRows],
    understood: dict[str, Any] | None = None,
) -> ResultContext:
    return ResultContext(
        algorithm=algorithm,
        query=understood if understood is not None else selection.understood(),
        rows=tuple(rows),
        warnings=selection.warnings,
        user=selection.query.user,
    )


def check_algorithm(
    algorithm: AlgorithmSpec, requested: Sequence[dict[str, Any]], selection: ResolvedSelection
) -> dict[str, str]:
    """The algorithm's resolved parameters, once they and the variables fit it."""
    parameters = algorithm.resolve_parameters(
        requested, dialect_2019=is_2019_request(selection.query.raw))
    algorithm.check_variables(selection.variables, selection.covariables, selection.grouping)
    return parameters


def job_plan(
    services: PlanningContext,
    selection: ResolvedSelection,
    data: SelectedData,
    algorithm: AlgorithmSpec,
    parameters: dict[str, str],
    result_context: ResultContext | None = None,
) -> JobPlan:
    legacy_query = None
    if algorithm.legacy_database:
        legacy_query = services.features.select_sql(
            selection.datasets, [m.code for m in selection.metas], selection.query.filters,
            selection.scope.table,
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
        context=result_context,
    )


def plan_job(services: PlanningContext, query: MiningQuery, algorithm: AlgorithmSpec) -> JobPlan:
    with services.features.snapshot():
        return _plan_job(services, query, algorithm)


def _plan_job(services: PlanningContext, query: MiningQuery, algorithm: AlgorithmSpec) -> JobPlan:
    selection = resolve_selection(services, query)
    if not selection.variables:
        raise BadRequest("variables: at least one variable (the target) is needed")
    parameters = check_algorithm(algorithm, query.algorithm.parameters, selection)
    data, rows = select_rows(services, selection, keep_missing=algorithm.keeps_missing)
    return job_plan(services, selection, data, algorithm, parameters,
                    context(selection, algorithm.code, rows))


def select_data(
    services: PlanningContext, query: Selection
) -> tuple[dict[str, Any], ResultContext]:
    """The `data` pseudo-algorithm: the selected rows as a data resource, no container."""
    with services.features.snapshot():
        selection = resolve_selection(services, query)
        if not selection.metas:
            raise BadRequest("no variable selected: name some in variables or covariables")
        data, rows = select_rows(services, selection)
    resource = data_resource(data.columns, data.rows, selection.metas)
    return resource, context(selection, DATA_ALGORITHM, rows)
