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


def keep_leases(services: Services) -> None:
    """One round: renew this instance's leases, then adopt the work of dead instances."""
    services.leases.renew()
    adopt_orphans(services, Claim())


async def keep_leases_periodically(services: Services) -> None:
    """A round every lease_s / 3 until cancelled: a lease is renewed twice before it expires."""
    interval = services.config.lease_s / 3
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(keep_leases, services)
        except Exception:
            log.exception("renewing leases failed; trying again in %g s", interval)
