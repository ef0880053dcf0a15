"""The retention policy, run periodically by the service: old volumes and job logs go."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy import select

from woken.container.volumes import remove_expired
from woken.states import JobState
from woken.storage.tables import Job
from woken.system.services import Services

log = logging.getLogger(__name__)

UNFINISHED = (JobState.PENDING, JobState.QUEUED, JobState.RUNNING)


def sweep(services: Services) -> list[Path]:
    """Delete the volumes and logs past retention, except those of unfinished jobs."""
    config = services.config
    in_flight = services.woken_db.jobs_in_state(*UNFINISHED)
    volumes = {Path(job.volume) for job in in_flight if job.volume} | model_volumes(services)
    logs = {config.logs_dir / f"{job.id}.{stream}" for job in in_flight
            for stream in ("stdout", "stderr")}
    removed = remove_expired(config.volumes_dir, config.retention_s, keep=volumes)
    removed += remove_expired(config.logs_dir, config.retention_s, keep=logs)
    if removed:
        log.info("retention: removed %d volumes and logs older than %g s",
                 len(removed), config.retention_s)
    return removed


def model_volumes(services: Services) -> set[Path]:
    """The volumes of experiments' `compute` jobs: their models live as long as the experiment."""
    query = select(Job.volume).where(Job.experiment_id.is_not(None), Job.command == "compute")
    with services.woken_db.session() as session:
        return {Path(volume) for volume in session.scalars(query) if volume}


async def sweep_periodically(services: Services) -> None:
    """Sweep at start-up, then every interval, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(sweep, services)
        except Exception:
            log.exception("retention sweep failed; trying again at the next interval")
        await asyncio.sleep(services.config.retention_interval_s)
