"""A site's local step of a federated algorithm, run as a job on the site's backend.

The same path as any job (`woken.system.jobs.run_planned`): an admission slot, a
volume holding the site's selected rows, a coordinator that submits the
``federatedStep`` container to the configured backend (the local fork server, Dask,
Kubernetes...), stores its result in woken-db and replies. The job writes only the
step's sums; the site answers them to its central.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from woken.actors.messages import JobEnded
from woken.errors import WokenError
from woken.federation.site import (
    STEP_ALGORITHM,
    StepRequest,
    select_site_rows,
    step_answer,
    step_parameters,
)
from woken.planning.job_plan import JobPlan
from woken.system.jobs import run_planned
from woken.system.services import Services


def plan_step(services: Services, request: StepRequest) -> JobPlan:
    """The job of one step: this site's rows, the step's parameters (Refused: too few rows)."""
    settings = services.config.federation
    rows = select_site_rows(services.features, settings, request)
    algorithm = services.registry.get(STEP_ALGORITHM, internal=True)
    parameters = step_parameters(settings, request)
    return JobPlan(
        algorithm=algorithm, variables=rows.variables, covariables=rows.covariables,
        grouping=[], parameters=parameters, datasets=request.datasets, data=rows.data,
        # What the job row keeps of the request: the step and where, not its numbers.
        request={"federatedStep": request.step, "datasets": request.datasets},
        timeout_s=algorithm.timeout_for(parameters, services.config.job_timeout_s),
    )


# What a step's job ends with: the site's answer, or the error to answer instead.
StepOutcome = dict[str, Any] | WokenError


def start_step(services: Services, request: StepRequest,
               on_end: Callable[[StepOutcome], None]) -> tuple[str, float]:
    """Start the step's job; its id and its timeout. ``on_end`` gets its outcome, always."""
    def ended(message: JobEnded) -> None:
        result = message.result
        try:
            outcome: StepOutcome = step_answer(request, message.job_id, message.state,
                                               result.data, result.error)
        except WokenError as error:
            outcome = error
        on_end(outcome)

    plan, job_id = run_planned(services, lambda: plan_step(services, request), ended)
    return job_id, plan.timeout_s
