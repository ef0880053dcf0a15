"""The mining routes: run one algorithm (`POST /mining/job`) and read a job back."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from woken.api.body import read_json_body
from woken.api.bridge import reply_future
from woken.api.json_answer import json_response
from woken.api.keys import SERVICES
from woken.api.params import wants_async
from woken.errors import NotFound
from woken.planning.planner import DATA_ALGORITHM
from woken.planning.queries import MiningJobSchema, load_body
from woken.states import JobState
from woken.storage.database import StoredResult
from woken.storage.tables import utc_now
from woken.system.jobs import is_data_request, selected_rows, start_job, submit_job

log = logging.getLogger(__name__)

DATA_SHAPE = "tabular_data_resource_json"


def job_location(job_id: str) -> str:
    return f"/mining/jobs/{job_id}"


async def run_job(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    query = load_body(MiningJobSchema(), await read_json_body(request))

    if is_data_request(query):
        rows, selected = await asyncio.to_thread(selected_rows, services, query)
        answer = StoredResult(
            job_id="", node=services.config.node, timestamp=utc_now(),
            function=DATA_ALGORITHM, shape=DATA_SHAPE, data=rows, error=None,
        ).to_query_result(selected.to_json())
        return json_response({**answer, "jobId": None})

    if wants_async(request):
        job_id = await asyncio.to_thread(submit_job, services, query)
        headers = {"Location": job_location(job_id), "Preference-Applied": "respond-async"}
        return json_response(
            {"jobId": job_id, "state": JobState.PENDING.value, "location": headers["Location"]},
            status=202, headers=headers,
        )

    future: asyncio.Future[StoredResult]
    future, reply = reply_future(asyncio.get_running_loop())
    job_id, context = await asyncio.to_thread(start_job, services, query, reply)
    try:
        result = await asyncio.wait_for(future, services.config.request_timeout_s)
    except TimeoutError:
        # The job goes on; the client can read it back later.
        return json_response(
            {"message": f"the job did not end within {services.config.request_timeout_s:g} s; "
                        f"poll {job_location(job_id)}", "jobId": job_id},
            status=504, headers={"Location": job_location(job_id)},
        )
    return json_response(result.to_query_result(context))


async def get_job(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    job_id = request.match_info["job_id"]
    job = await asyncio.to_thread(services.woken_db.get_job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    result = await asyncio.to_thread(services.woken_db.get_result, job_id, job.node)
    body: dict[str, Any] = {
        "jobId": job.id, "algorithm": job.algorithm, "command": job.command, "state": job.state,
        "exitCode": job.exit_code, "message": job.message, "host": job.host,
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "user": (job.context or {}).get("user"),
        "result": result.to_query_result(job.context) if result else None,
        # Where the job's stdout and stderr are: an error quotes only the stderr's tail.
        "logs": f"/mining/jobs/{job.id}/logs",
    }
    return json_response(body, status=200 if result else 202)
