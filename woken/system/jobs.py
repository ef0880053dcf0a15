"""Single jobs as the service runs them: admission, planning, a volume, a coordinator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from woken.actors.coordinator import CoordinatorActor
from woken.actors.messages import Cancel, JobEnded, StartJob
from woken.container.volumes import create_volume
from woken.errors import BadRequest, ServiceUnavailable
from woken.planning.job_plan import JobPlan
from woken.planning.planner import DATA_ALGORITHM, plan_job, select_data
from woken.planning.provenance import ResultContext
from woken.planning.queries import MiningQuery
from woken.states import JobState
from woken.storage.database import StoredResult
from woken.storage.tables import Job
from woken.system.services import Services


def is_data_request(query: MiningQuery) -> bool:
    """The `data` pseudo-algorithm (contract §1): the selected rows, no container."""
    return query.algorithm.code in ("", DATA_ALGORITHM)


def selected_rows(
    services: Services, query: MiningQuery
) -> tuple[dict[str, Any], ResultContext]:
    return select_data(services, query)


def start_job(
    services: Services, query: MiningQuery, on_end: Callable[[StoredResult], None]
) -> tuple[str, dict[str, Any] | None]:
    """Plan the job, start its coordinator; its id and the 2019 fields of its result.

    `on_end` gets its result.

    Every check on the request happens here, before the coordinator starts: a
    mistake is a BadRequest for the caller, never an error in an actor thread.
    """
    algorithm = services.registry.get(query.algorithm.code)
    if "compute" not in algorithm.commands:
        raise BadRequest(f"algorithm '{algorithm.code}' cannot run as a single job")
    plan, job_id = run_planned(services, lambda: plan_job(services, query, algorithm),
                               lambda ended: on_end(ended.result))
    return job_id, plan.context.to_json() if plan.context else None


def run_planned(
    services: Services, planner: Callable[[], JobPlan], on_end: Callable[[JobEnded], None]
) -> tuple[JobPlan, str]:
    """Admit a job, plan it (``planner``), start its coordinator; the plan and the job's id.

    The admission slot is released when the job ends, or at once if planning fails. The
    one path of a single job: a request's (`start_job`) and a site's federated step's.
    """
    release = services.job_admission.admit()
    try:
        plan = planner()
        job_id, volume = create_volume(services.config.volumes_dir)
    except BaseException:
        release()
        raise

    def ended(message: JobEnded) -> None:
        services.jobs.remove(job_id)
        release()
        on_end(message)

    coordinator = CoordinatorActor.start(services, plan, job_id, volume, ended)
    services.jobs.add(job_id, coordinator)
    # Written before the answer: the job's Location can be read as soon as it is given.
    # The row is the actor's, made here from the same arguments (no round trip to its thread).
    services.woken_db.add_job(CoordinatorActor.row_of(services, plan, job_id, volume))
    coordinator.tell(StartJob(stored=JobState.QUEUED))
    return plan, job_id


def submit_job(services: Services, query: MiningQuery) -> str:
    """Start the job and return its id at once (`Prefer: respond-async`).

    The client reads it back from woken-db (`GET /mining/jobs/{id}`).
    """
    job_id, _context = start_job(services, query, lambda _result: None)
    return job_id


def cancel_job(services: Services, job: Job) -> bool:
    """Ask the job's coordinator to cancel it: False if it had ended already.

    The coordinator kills the job on the backend and stores it CANCELLED.
    """
    if JobState(job.state).is_terminal:
        return False
    coordinator = services.jobs.get(job.id)
    if coordinator is None:
        # Unfinished in woken-db but watched by no coordinator here (another instance).
        raise ServiceUnavailable(f"job {job.id} is not running on this node ({job.owner})")
    coordinator.tell(Cancel("cancelled by the client"))
    return True


def job_user(job: Job) -> Any:
    """Who asked for the job, when the request said (the 2019 request's `user`)."""
    return (job.context or {}).get("user")
