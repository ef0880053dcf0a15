"""Leases kept and orphans adopted: the work of a dead instance is finished by a live one.

At start-up an instance adopts what a previous process of its own node left in
flight, and, on the embedded SQLite woken-db (whose data directory it has locked),
everything unfinished. While it runs it renews its leases every `lease_s / 3` and
adopts the experiments and single jobs whose lease has run out: their owner died.

An adopted experiment is planned again and resumed: the jobs that succeeded are
reused (`woken.actors.jobs.stored_success`), so no finished job runs again. An
adopted single job cannot be watched any more (its process died with its owner):
it ends LOST with the reason.
"""

from __future__ import annotations

import asyncio
import logging

from woken.states import JobState
from woken.storage.leases import Claim
from woken.system.experiments import resume_experiment
from woken.system.services import Services

log = logging.getLogger(__name__)


def start_up_claim(services: Services) -> Claim:
    return Claim(own=True, everything=services.data_dir_lock is not None)


def adopt_orphans(services: Services, claim: Claim) -> list[str]:
    """Claim and resume the orphaned experiments, end the orphaned single jobs; their ids."""
    leases = services.leases
    adopted = []
    for experiment in leases.orphaned_experiments(claim):
        if services.experiments.get(experiment.id) is not None:
            continue  # running here: ours, whatever its lease says
        if not leases.claim_experiment(experiment.id, claim):
            continue  # another instance was quicker
        if experiment.owner not in (None, services.config.node):
            log.warning("adopting experiment %s of %s, whose lease expired",
                        experiment.id, experiment.owner)
        if resume_experiment(services, experiment):
            adopted.append(experiment.id)
    for job in leases.orphaned_jobs(claim):
        if leases.claim_job(job.id, claim):
            end_lost_job(services, job.id, job.node, job.algorithm, job.owner)
            adopted.append(job.id)
    return adopted


def end_lost_job(
    services: Services, job_id: str, node: str, algorithm: str, owner: str | None
) -> None:
    """A single job whose coordinator died cannot be watched any more: say so."""
    reason = f"the Woken instance running the job ({owner or node}) stopped before it finished"
    services.woken_db.set_job_state(job_id, JobState.LOST, message=reason)
    services.woken_db.save_result(
        job_id=job_id, node=node, function=algorithm, shape="error", error=reason
    )
    log.warning("job %s (%s) was left unfinished: marked lost", job_id, algorithm)


def resume_stopped(services: Services, seen_before: set[str]) -> set[str]:
    """Resume this instance's own experiments that no actor runs here any more.

    Their copy stopped when woken-db did not answer (a restart, an outage): once it
    answers again, they are claimed anew and resumed from what woken-db holds. One is
    resumed when it was seen stopped in the previous round too (an experiment being
    started has its row a moment before its actor). Returns the ones seen this round.
    """
    node = services.config.node
    stopped = {
        experiment.id: experiment
        for experiment in services.leases.orphaned_experiments(Claim(own=True))
        if experiment.owner == node and services.experiments.get(experiment.id) is None
    }
    for experiment_id in sorted(stopped.keys() & seen_before):
        if services.leases.claim_experiment(experiment_id, Claim(own=True)):
            log.warning("experiment %s stopped here while woken-db was unavailable: resuming it",
                        experiment_id)
            resume_experiment(services, stopped.pop(experiment_id))
    return set(stopped) - seen_before


def keep_leases(services: Services, stopped: set[str] | None = None) -> set[str]:
    """One round: renew the leases, adopt dead instances' work, resume this one's stopped.

    ``stopped``: the experiments the previous round saw stopped; returns this round's.
    """
    services.leases.renew()
    adopt_orphans(services, Claim())
    return resume_stopped(services, stopped or set())


async def keep_leases_periodically(services: Services) -> None:
    """A round every lease_s / 3 until cancelled: a lease is renewed twice before it expires."""
    interval = services.config.lease_s / 3
    stopped: set[str] = set()
    while True:
        await asyncio.sleep(interval)
        try:
            stopped = await asyncio.to_thread(keep_leases, services, stopped)
        except Exception as error:
            # woken-db unavailable: one line each round, not a traceback.
            log.warning("renewing leases failed (%s); trying again in %g s", error, interval)
