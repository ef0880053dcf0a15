"""The site's side: check the central's token, read its step, select this site's rows.

The step itself runs as a job on the site's backend (the ``federatedStep`` container,
started by ``woken.system.federated_steps``): this module prepares what the job gets
(the selected rows, the step's parameters) and reads what it answered. The answer is
the step's aggregates and the number of rows they summarise; the rows stay here. A
step on fewer usable rows than ``min_rows`` is refused (:class:`Refused`), and so is
any step name the container does not know.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from woken.algorithms.federatedStep.steps import LOCAL_STEPS
from woken.config.federation import FederationSettings
from woken.errors import BackendError, BadRequest, WokenError
from woken.features.database import FeaturesDatabase
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.federation.folds import rows_of_part
from woken.states import JobState

# The algorithm (container) that computes a local step at a site.
STEP_ALGORITHM = "federatedStep"


class NotASite(WokenError):
    """The request is for a site's local step, and the token is missing or wrong."""


class Refused(BadRequest):
    """The site refuses the step under its privacy policy (too few rows)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, {"refused": True})


def check_token(settings: FederationSettings, authorization: str) -> None:
    """Accept only ``Bearer <site_token>``, compared in constant time."""
    scheme, _, given = authorization.partition(" ")
    expected = settings.site_token.encode()
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), expected):
        raise NotASite("a federated step needs this site's bearer token")


@dataclass(frozen=True)
class StepRequest:
    """A central's request for one local step (``POST /federation/step``), checked."""

    step: str
    datasets: list[str]
    params: dict[str, Any]
    filters: Any

    @classmethod
    def parse(cls, body: Any) -> StepRequest:
        if not isinstance(body, dict):
            raise BadRequest("the step must be a JSON object")
        step, datasets, params = body.get("step"), body.get("datasets"), body.get("params")
        if step not in LOCAL_STEPS:
            raise BadRequest(f"unknown federated step {step!r}")
        if not isinstance(datasets, list) or not datasets or not isinstance(params, dict):
            raise BadRequest("a step needs datasets (a list) and params (an object)")
        variables, covariables = params.get("variables"), params.setdefault("covariables", [])
        if not isinstance(variables, list) or not isinstance(covariables, list):
            raise BadRequest("variables and covariables must be lists of codes")
        if not isinstance(params.setdefault("parameters", {}), dict):
            raise BadRequest("params.parameters must be an object")
        return cls(str(step), [str(d) for d in datasets], params, body.get("filters"))

    @property
    def codes(self) -> list[str]:
        return [*self.params["variables"], *self.params["covariables"]]


@dataclass(frozen=True)
class SiteRows:
    """The rows a step's job gets: the site's selection (a fold of it, for k-fold)."""

    variables: list[VariableMeta]
    covariables: list[VariableMeta]
    data: SelectedData


def select_site_rows(features: FeaturesDatabase, settings: FederationSettings,
                     request: StepRequest) -> SiteRows:
    """This site's usable rows of the step's datasets; Refused under ``min_rows``."""
    codes = request.codes
    metas = features.resolve(request.datasets, codes)
    selected = features.select(request.datasets, codes, request.filters)
    rows = selected.rows
    if request.params.get("rows") is not None:
        keep = rows_of_part(len(rows), request.params["rows"])
        rows = [row for row, kept in zip(rows, keep, strict=True) if kept]
    if len(rows) < settings.min_rows:
        raise Refused(f"{len(rows)} usable row(s), fewer than this site's min_rows "
                      f"({settings.min_rows})")
    n_variables = len(request.params["variables"])
    return SiteRows(metas[:n_variables], metas[n_variables:],
                    SelectedData(columns=selected.columns, rows=rows))


def step_parameters(settings: FederationSettings, request: StepRequest) -> dict[str, str]:
    """The job's parameters (job.json): the step, its parameters, the privacy settings."""
    return {"step": request.step, "params": json.dumps(request.params, allow_nan=False),
            "min_cell_count": str(settings.min_cell_count),
            "extremes": "exact" if settings.exact_extremes else "coarse"}


def step_answer(request: StepRequest, job_id: str, state: JobState, data: Any,
                error: str | None) -> dict[str, Any]:
    """What the site answers its central, from the job's stored result."""
    if error is not None or not isinstance(data, dict):
        if state in (JobState.FAILED, JobState.SUCCEEDED):
            # The job ran and found the step wrong (a parameter, a variable's type).
            raise BadRequest(f"step {request.step}: {error or 'no result'}")
        raise BackendError(f"step {request.step} did not run ({state.value}): {error}")
    return {"rows": int(data["rows"]), "aggregates": data["aggregates"],
            "job": {"id": job_id, "pid": data.get("pid")}}
