"""The retention policy, run periodically by the service: old volumes and job logs go."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from woken.states import JobState
from woken.system.services import Services
from woken.volumes import remove_expired

log = logging.getLogger(__name__)

UNFINISHED = (JobState.PENDING, JobState.QUEUED, JobState.RUNNING)


def sweep(services: Services) -> list[Path]:
    """Delete the volumes and logs past retention, except those of unfinished jobs."""
    config = services.config
    in_flight = services.woken_db.jobs_in_state(*UNFINISHED)
    volumes = {Path(job.volume) for job in in_flight if job.volume}
    logs = {config.logs_dir / f"{job.id}.{stream}" for job in in_flight
            for stream in ("stdout", "stderr")}
    removed = remove_expired(config.volumes_dir, config.retention_s, keep=volumes)
    removed += remove_expired(config.logs_dir, config.retention_s, keep=logs)
    if removed:
        log.info("retention: removed %d volumes and logs older than %g s",
                 len(removed), config.retention_s)
    return removed


async def sweep_periodically(services: Services) -> None:
    """Sweep at start-up, then every interval, until cancelled."""
    while True:
        try:
            await asyncio.to_thread(sweep, services)
        except Exception:
            log.exception("retention sweep failed; trying again at the next interval")
        await asyncio.sleep(services.config.retention_interval_s)
