"""The single jobs' list and cancel, as experiments have them."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from woken.api.handlers.mining import job_location
from woken.api.json_answer import json_response
from woken.api.keys import SERVICES
from woken.api.params import MAX_OFFSET, MAX_PAGE, int_query
from woken.errors import NotFound
from woken.storage.tables import Job
from woken.system.jobs import cancel_job as cancel_job_coordinator
from woken.system.jobs import job_user


def summary(job: Job) -> dict[str, Any]:
    return {
        "jobId": job.id,
        "state": job.state,
        "algorithm": job.algorithm,
        "user": job_user(job),
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "message": job.message,
    }


async def list_jobs(request: web.Request) -> web.Response:
    """`GET /mining/jobs?limit=&offset=`: the single jobs, newest first."""
    services = request.app[SERVICES]
    limit = int_query(request, "limit", 20, 1, MAX_PAGE)
    offset = int_query(request, "offset", 0, 0, MAX_OFFSET)
    jobs, total = await asyncio.to_thread(services.woken_db.list_single_jobs, limit, offset)
    return json_response({
        "items": [summary(job) for job in jobs], "total": total, "limit": limit, "offset": offset,
    })


async def cancel_job(request: web.Request) -> web.Response:
    """`DELETE /mining/jobs/{id}`: 202 while the coordinator cancels it, 200 if it had ended."""
    services = request.app[SERVICES]
    job_id = request.match_info["job_id"]
    job = await asyncio.to_thread(services.woken_db.get_job, job_id)
    if job is None or job.experiment_id is not None:
        # An experiment's job is cancelled with its experiment.
        raise NotFound(f"no single job {job_id}")
    if not cancel_job_coordinator(services, job):
        return json_response({**summary(job), "message": "already ended"})
    return json_response(
        {**summary(job), "state": "cancelling"}, status=202,
        headers={"Location": job_location(job.id)},
    )
