"""Experiments as the service runs them: persist first, start the actor, resume after a restart."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from typing import Any

from woken.actors.experiment import ExperimentActor, Reply
from woken.actors.messages import Cancel, Start
from woken.actors.steps import (
    batch_step,
    command_step,
    derived_id,
    fold_step,
    model_step,
    parse_step,
)
from woken.catalogue.registry import BATCHED_COMMAND
from woken.container.volumes import volume_path
from woken.errors import ServiceUnavailable, WokenError
from woken.planning.experiment_plan import ExperimentPlan, plan_experiment
from woken.planning.job_plan import JobPlan
from woken.planning.queries import ExperimentQuery, ExperimentSchema, load_body
from woken.states import ExperimentState, JobState
from woken.storage.leases import lease_expiry
from woken.storage.tables import Experiment, Job
from woken.system.admission import Release
from woken.system.services import Services

log = logging.getLogger(__name__)


def planned_jobs(services: Services, plan: ExperimentPlan) -> list[Job]:
    """Every job the experiment will run, written before the first one starts."""
    config, backend = services.config, services.backend.name
    jobs = []

    def job(step: str, command: str, volume_id: str, job_plan: JobPlan) -> Job:
        return Job.pending(
            derived_id(plan.experiment_id, step), algorithm=job_plan.algorithm.code,
            command=command, node=config.node, backend=backend,
            request=job_plan.step_request(plan.experiment_id, step),
            volume=volume_path(config.volumes_dir, volume_id), timeout_s=job_plan.timeout_s,
            experiment_id=plan.experiment_id, step=step,
        )

    for algorithm in plan.algorithms:
        if algorithm.batched:
            step = batch_step(algorithm.index)
            jobs.append(job(step, BATCHED_COMMAND, derived_id(plan.experiment_id, step),
                            algorithm.batch_job()))
            continue
        step = model_step(algorithm.index)
        model_id = derived_id(plan.experiment_id, step)
        jobs.append(job(step, "compute", model_id, algorithm.job))
        for validation in algorithm.validations:
            for fold in validation.folds:
                pair = fold_step(algorithm.index, validation.index, fold.index)
                volume_id = derived_id(plan.experiment_id, pair)
                jobs.extend(job(command_step(pair, command), command, volume_id, algorithm.job)
                            for command in ("train", "test"))
    return jobs


def persist_experiment(services: Services, plan: ExperimentPlan) -> None:
    config = services.config
    experiment = Experiment(
        id=plan.experiment_id, state=ExperimentState.PENDING.value, node=config.node,
        request=plan.request, seed=plan.seed,
        owner=config.node, lease_expires_at=lease_expiry(config.lease_s),
    )
    services.woken_db.add_experiment(experiment, planned_jobs(services, plan))


def submit_experiment(
    services: Services, query: ExperimentQuery, reply: Reply | None = None
) -> ExperimentPlan:
    """Admit, plan and persist the experiment, then start it; `reply` gets its final result.

    Every check on the request happens before the actor starts (a mistake is a
    BadRequest for the caller); the admission slot is held until the experiment ends.
    """
    release = services.experiment_admission.admit()
    try:
        plan = plan_experiment(services, query)
        persist_experiment(services, plan)
    except BaseException:
        release()
        raise
    start_experiment(services, plan, reply, release)
    return plan


def start_experiment(
    services: Services, plan: ExperimentPlan, reply: Reply | None, release: Release
) -> None:
    def ended(result: dict[str, Any]) -> None:
        release()
        if reply is not None:
            reply(result)

    actor = ExperimentActor.start(services, plan, ended)
    actor.tell(Start())


def cancel_experiment(services: Services, experiment: Experiment) -> None:
    """Ask the experiment's actor to cancel; its running jobs are killed, its results kept."""
    actor = services.experiments.get(experiment.id)
    if actor is None:
        # In flight in woken-db but run by no actor here (another node, or a failed resume).
        raise ServiceUnavailable(f"experiment {experiment.id} is not running on this node")
    actor.tell(Cancel("cancelled by the client"))


def resume_experiment(services: Services, experiment: Experiment) -> bool:
    """Start again an experiment left in flight; its finished jobs are reused.

    After a restart, or adopted from a dead instance; the caller holds its lease.

    An experiment that cannot be planned again (its data or the catalogue changed) is
    ended FAILED with the reason, and False returned: none stays "running" forever.
    """
    try:
        query = load_body(ExperimentSchema(), experiment.request)
        plan = dataclasses.replace(
            plan_experiment(services, query, experiment.id, experiment.seed), resumed=True)
    except WokenError as error:
        reason = f"could not resume the experiment: {error}"
        log.warning("experiment %s: %s", experiment.id, reason)
        services.woken_db.update_experiment(
            experiment.id, state=ExperimentState.FAILED, error=reason
        )
        return False
    log.info("resuming experiment %s (left by %s)", experiment.id, experiment.owner)
    # A resumed experiment was admitted before: it runs whatever the count.
    start_experiment(services, plan, None, services.experiment_admission.admit(force=True))
    return True


def progress(jobs: list[Job]) -> dict[str, Any]:
    """Jobs done / total, for the experiment and per algorithm (and per fold)."""
    done = [job for job in jobs if JobState(job.state).is_terminal]
    algorithms: dict[int, dict[str, Any]] = {}
    for job in jobs:
        index, validation, fold = parse_step(job.step or "a0.model")
        entry = algorithms.setdefault(
            index, {"index": index, "code": job.algorithm, "done": 0, "total": 0, "folds": {}}
        )
        entry["total"] += 1
        entry["done"] += JobState(job.state).is_terminal
        # Each job by id: the web page and the CLI link its logs.
        entry.setdefault("jobs", []).append(
            {"jobId": job.id, "step": job.step, "command": job.command, "state": job.state}
        )
        if fold is not None:
            entry["folds"].setdefault(f"v{validation}.f{fold}", {})[job.command] = job.state
        # A batched job runs every fold of its validations: each fold shows its state.
        batched_folds = job.request.get("folds", {}) if isinstance(job.request, dict) else {}
        for name, k in batched_folds.items():
            for n in range(k):
                entry["folds"][f"{name}.f{n}"] = {job.command: job.state}
    return {
        "done": len(done),
        "total": len(jobs),
        "states": dict(Counter(job.state for job in jobs)),
        "algorithms": [algorithms[i] for i in sorted(algorithms)],
    }
