"""Starting a job from an actor, or reusing it when a previous run already finished it."""

from __future__ import annotations

from pathlib import Path

import pykka

from woken.actors.context import ActorContext
from woken.actors.coordinator import CoordinatorActor
from woken.actors.fsm import tell_quietly
from woken.actors.messages import JobEnded, StartJob
from woken.planning.job_plan import JobPlan
from woken.states import JobState


def stored_success(services: ActorContext, job_id: str, volume: Path) -> JobEnded | None:
    """The job's outcome if woken-db holds a successful run of it (a resumed experiment)."""
    job = services.woken_db.get_job(job_id)
    if job is None or job.state != JobState.SUCCEEDED.value:
        return None
    result = services.woken_db.get_result(job_id, job.node)
    if result is None or result.error is not None:
        return None
    duration = None
    if job.started_at and job.finished_at:
        duration = (job.finished_at - job.started_at).total_seconds()
    return JobEnded(job_id, JobState.SUCCEEDED, result, volume, duration, job.host)


def start_job(
    services: ActorContext,
    plan: JobPlan,
    job_id: str,
    volume: Path,
    reply_to: pykka.ActorRef,
    *,
    command: str = "compute",
    experiment_id: str | None = None,
    step: str | None = None,
    reuse: bool = True,
    planned: bool = False,
    pin_to_host: str | None = None,
) -> pykka.ActorRef | None:
    """Run the job under a coordinator that tells `reply_to` its `JobEnded`.

    With `reuse`, a job that already succeeded is not run again: its stored
    outcome is told at once and no coordinator is started (None is returned).
    `planned`: its row is in woken-db already, pending (a new experiment writes all its
    jobs' rows with itself): only its state is written when it is submitted.
    `pin_to_host`: the job must run where another did (the test of a pair, where its
    train ran); backends with one host ignore it.
    """
    if reuse:
        done = stored_success(services, job_id, volume)
        if done is not None:
            reply_to.tell(done)
            return None
    coordinator = CoordinatorActor.start(
        services, plan, job_id, volume, lambda ended: tell_quietly(reply_to, ended),
        command=command, experiment_id=experiment_id, step=step, pin_to_host=pin_to_host,
    )
    coordinator.tell(StartJob(stored=JobState.PENDING if planned else None))
    return coordinator
