"""`GET /mining/jobs/{job_id}/logs`: a job's stdout and stderr, whole, their tail, or a range."""

from __future__ import annotations

import asyncio

from aiohttp import web

from woken.api.json_answer import json_response
from woken.api.keys import SERVICES
from woken.api.params import int_query
from woken.errors import BadRequest
from woken.system.job_logs import job_logs

# Line numbers and counts fit in an SQL-free int, but a bound keeps the answer's size sane.
MAX_LINES = 10**7


def logs_location(job_id: str) -> str:
    return f"/mining/jobs/{job_id}/logs"


async def get_job_logs(request: web.Request) -> web.Response:
    tail = int_query(request, "tail", -1, 0, MAX_LINES)
    start = int_query(request, "start", 0, 0, MAX_LINES)
    end = int_query(request, "end", -1, 0, MAX_LINES)
    if tail >= 0 and ("start" in request.query or "end" in request.query):
        raise BadRequest("give either 'tail' or a range ('start', 'end'), not both")
    if end >= 0 and end < start:
        raise BadRequest(f"'end' ({end}) is before 'start' ({start})")
    answer = await asyncio.to_thread(
        job_logs, request.app[SERVICES], request.match_info["job_id"],
        tail if tail >= 0 else None, start, end if end >= 0 else None,
    )
    return json_response(answer)
