"""The mining routes: run one algorithm (`POST /mining/job`) and read a job back."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pykka
from aiohttp import web

from woken.actors.coordinator import CoordinatorActor
from woken.actors.messages import JobEnded, StartJob
from woken.api.bridge import reply_future
from woken.api.keys import SERVICES
from woken.api.schemas import MiningJobSchema, load_body
from woken.errors import BadRequest, NotFound, ServiceUnavailable
from woken.planning import DATA_ALGORITHM, plan_job, select_data
from woken.storage.models import utc_now
from woken.volumes import create_volume

log = logging.getLogger(__name__)

DATA_SHAPE = "tabular_data_resource_json"


async def read_json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"the request body is not valid JSON: {error}") from None


async def run_job(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    query = load_body(MiningJobSchema(), await read_json_body(request))

    if query.algorithm.code in ("", DATA_ALGORITHM):
        rows = await asyncio.to_thread(select_data, services, query)
        return web.json_response({
            "jobId": None, "node": services.config.node, "timestamp": utc_now().timestamp(),
            "function": DATA_ALGORITHM, "shape": DATA_SHAPE, "data": rows.to_json(),
            "error": None,
        })

    active = len(pykka.ActorRegistry.get_by_class(CoordinatorActor))
    if active >= services.config.max_active_jobs:
        raise ServiceUnavailable(
            f"{active} jobs are in progress, the limit is {services.config.max_active_jobs}: "
            "try again later"
        )
    algorithm = services.registry.get(query.algorithm.code)
    if "compute" not in algorithm.commands:
        raise BadRequest(f"algorithm '{algorithm.code}' cannot run as a single job")
    plan = await asyncio.to_thread(plan_job, services, query, algorithm)
    job_id, volume = create_volume(services.config.volumes_dir)

    future: asyncio.Future[JobEnded]
    future, reply = reply_future(asyncio.get_running_loop())
    coordinator = CoordinatorActor.start(services, plan, job_id, volume, reply)
    coordinator.tell(StartJob())
    try:
        ended: JobEnded = await asyncio.wait_for(future, services.config.request_timeout_s)
    except TimeoutError:
        # The job goes on; the client can read it back later.
        return web.json_response(
            {"message": f"the job did not end within {services.config.request_timeout_s:g} s; "
                        f"poll /mining/jobs/{job_id}", "jobId": job_id},
            status=504, headers={"Location": f"/mining/jobs/{job_id}"},
        )
    return web.json_response(ended.result.to_query_result())


async def get_job(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    job_id = request.match_info["job_id"]
    job = await asyncio.to_thread(services.woken_db.get_job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    result = await asyncio.to_thread(services.woken_db.get_result, job_id, job.node)
    body: dict[str, Any] = {
        "jobId": job.id, "algorithm": job.algorithm, "command": job.command, "state": job.state,
        "exitCode": job.exit_code, "message": job.message,
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "result": result.to_query_result() if result else None,
    }
    return web.json_response(body, status=200 if result else 202)
