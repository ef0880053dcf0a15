"""Federation routes: a site's local steps (bearer token), a central's federated runs.

``/federation/*`` answers a central only (the site's bearer token, compared in
constant time); ``POST /mining/federated`` is a central's federated run, guarded
like every mining route. A site's local step is a job on its backend, waited for as
``POST /mining/job`` waits; the central's synchronous calls to its sites run in a thread.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from woken.api.body import read_json_body
from woken.api.bridge import reply_future
from woken.api.json_answer import json_response
from woken.api.keys import METRICS, SERVICES
from woken.api.middleware import Unauthorized
from woken.api.params import MAX_OFFSET, MAX_PAGE, int_query
from woken.config.federation import FederationSettings
from woken.errors import BackendError, BadRequest, NotFound, WokenError
from woken.features.metadata_answers import datasets_answer, variables_answer
from woken.federation.central import Central
from woken.federation.methods.catalogue import catalogue_answer
from woken.federation.query import parse_query
from woken.federation.site import NotASite, StepRequest, check_token
from woken.storage.federated_runs import FederatedRuns, run_json
from woken.system.federated_runs import run_federated
from woken.system.federated_steps import StepOutcome, start_step

# How long past its job's own timeout a step is waited for (its coordinator replies first).
STEP_GRACE_S = 60.0


def _settings(request: web.Request) -> FederationSettings:
    return request.app[SERVICES].config.federation


def _as_site(request: web.Request) -> None:
    try:
        check_token(_settings(request), request.headers.get("Authorization", ""))
    except NotASite as error:
        raise Unauthorized(str(error)) from None


async def site_step(request: web.Request) -> web.Response:
    """One local step, run as a job on this site's backend; its sums are the answer."""
    _as_site(request)
    step = StepRequest.parse(await read_json_body(request))
    services = request.app[SERVICES]
    # The job takes one of the site's job slots: a busy site answers 503, which its
    # central reports naming the site, rather than queueing without bound.
    future: asyncio.Future[StepOutcome]
    future, reply = reply_future(asyncio.get_running_loop())
    job_id, timeout_s = await asyncio.to_thread(start_step, services, step, reply)
    try:
        # The coordinator always replies (its own timeouts end the job): a safety net.
        answer = await asyncio.wait_for(future, timeout_s + STEP_GRACE_S)
    except TimeoutError:
        raise BackendError(f"step {step.step}: job {job_id} did not end in time") from None
    if isinstance(answer, WokenError):
        raise answer
    body = json.dumps(answer).encode()
    request.app[METRICS].federation_bytes(len(body))
    return json_response(body=body)


async def site_datasets(request: web.Request) -> web.Response:
    _as_site(request)
    found = await asyncio.to_thread(request.app[SERVICES].features.datasets)
    return json_response(datasets_answer(found))


async def site_variables(request: web.Request) -> web.Response:
    _as_site(request)
    codes = [c for c in request.query.get("datasets", "").split(",") if c]
    if not codes:
        raise BadRequest("give datasets=...")
    exhaustive = request.query.get("exhaustive", "false").lower() == "true"
    found = await asyncio.to_thread(request.app[SERVICES].features.listing, codes, None,
                                    exhaustive)
    return json_response(variables_answer(found))


def central_of(request: web.Request) -> Central:
    settings = _settings(request)
    if not settings.is_central:
        raise BadRequest("this Woken is not a central: its configuration lists no "
                         "federation sites")
    return Central(settings)


async def _with_central(request: web.Request, work: Any, *args: Any) -> dict[str, Any]:
    central = central_of(request)
    try:
        result: dict[str, Any] = await asyncio.to_thread(work, central, *args)
        return result
    finally:
        central.close()


async def federated_run(request: web.Request) -> web.Response:
    """A federated run over the central's sites, stored in woken-db (its ``id``)."""
    body = await read_json_body(request)
    query = parse_query(body)
    central_of(request).close()  # a Woken that is not a central says so before storing
    answer = await asyncio.to_thread(run_federated, request.app[SERVICES], query, body)
    return json_response(answer, headers={"Location": run_location(answer["id"])})


def run_location(run_id: str) -> str:
    return f"/mining/federated/runs/{run_id}"


async def federated_runs(request: web.Request) -> web.Response:
    """The stored federated runs, newest first (without their results)."""
    limit = int_query(request, "limit", 20, 1, MAX_PAGE)
    offset = int_query(request, "offset", 0, 0, MAX_OFFSET)
    runs, total = await asyncio.to_thread(
        FederatedRuns(request.app[SERVICES].woken_db).page, limit, offset)
    return json_response({"items": [run_json(run, with_result=False) for run in runs],
                              "total": total, "limit": limit, "offset": offset})


async def federated_run_of(request: web.Request) -> web.Response:
    """One stored federated run: its request, each site's part, its result or error."""
    run_id = request.match_info["run_id"]
    run = await asyncio.to_thread(FederatedRuns(request.app[SERVICES].woken_db).get, run_id)
    if run is None:
        raise NotFound(f"no federated run {run_id}")
    return json_response(run_json(run))


async def federated_algorithms(_: web.Request) -> web.Response:
    return json_response(catalogue_answer())


async def central_datasets(request: web.Request) -> web.Response:
    return json_response(await _with_central(request, Central.datasets_answer))


async def central_variables(request: web.Request) -> web.Response:
    codes = [c for c in request.query.get("datasets", "").split(",") if c]
    exhaustive = request.query.get("exhaustive", "false").lower() == "true"
    return json_response(
        await _with_central(request, Central.variables_answer, codes, exhaustive))
