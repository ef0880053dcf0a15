"""The experiment routes: run (synchronously or not), read, list, cancel."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from woken.api.body import read_json_body
from woken.api.bridge import reply_future
from woken.api.json_answer import json_response
from woken.api.keys import SERVICES
from woken.api.params import MAX_OFFSET, MAX_PAGE, int_query, wants_async
from woken.errors import NotFound
from woken.planning.queries import ExperimentSchema, load_body
from woken.results.experiment_2019 import experiment_2019, is_2019_request
from woken.states import ExperimentState
from woken.storage.tables import Experiment
from woken.system.experiments import cancel_experiment as cancel_experiment_actor
from woken.system.experiments import progress, submit_experiment
from woken.system.trained_models import experiment_models


def location(experiment_id: str) -> str:
    return f"/mining/experiments/{experiment_id}"


async def run_experiment(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    body = await read_json_body(request)
    query = load_body(ExperimentSchema(), body)
    if wants_async(request):
        plan = await asyncio.to_thread(submit_experiment, services, query)
        headers = {"Location": location(plan.experiment_id)}
        return json_response(
            {"experimentId": plan.experiment_id, "state": ExperimentState.PENDING.value,
             "location": headers["Location"]},
            status=202, headers={**headers, "Preference-Applied": "respond-async"},
        )

    future: asyncio.Future[dict[str, Any]]
    future, reply = reply_future(asyncio.get_running_loop())
    plan = await asyncio.to_thread(submit_experiment, services, query, reply)
    headers = {"Location": location(plan.experiment_id)}
    try:
        result = await asyncio.wait_for(future, services.config.request_timeout_s)
    except TimeoutError:
        return json_response(
            {"message": f"the experiment did not end within "
                        f"{services.config.request_timeout_s:g} s; it goes on: poll "
                        f"{headers['Location']}", "experimentId": plan.experiment_id},
            status=504, headers=headers,
        )
    if is_2019_request(body if isinstance(body, dict) else None):
        result = experiment_2019(result, body)
    return json_response(result, headers=headers)


async def get_experiment(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    experiment = await experiment_of(request)
    jobs = await asyncio.to_thread(services.woken_db.jobs_of_experiment, experiment.id)
    models = await asyncio.to_thread(experiment_models, services, experiment)
    return json_response({
        **_summary(experiment),
        "progress": progress(jobs),
        "result": experiment_2019(experiment.result, experiment.request)
        if experiment.result and is_2019_request(experiment.request) else experiment.result,
        "models": models,
    })


async def list_experiments(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    limit = int_query(request, "limit", 20, 1, MAX_PAGE)
    offset = int_query(request, "offset", 0, 0, MAX_OFFSET)
    experiments, total = await asyncio.to_thread(
        services.woken_db.list_experiments, limit, offset
    )
    return json_response({
        "items": [_summary(e) for e in experiments],
        "total": total, "limit": limit, "offset": offset,
    })


async def cancel_experiment(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    experiment = await experiment_of(request)
    if ExperimentState(experiment.state).is_terminal:
        return json_response({**_summary(experiment), "message": "already ended"})
    cancel_experiment_actor(services, experiment)
    return json_response(
        {**_summary(experiment), "state": "cancelling"}, status=202,
        headers={"Location": location(experiment.id)},
    )


async def experiment_of(request: web.Request) -> Experiment:
    """The experiment the route names; NotFound if there is none."""
    services = request.app[SERVICES]
    experiment_id = request.match_info["experiment_id"]
    experiment = await asyncio.to_thread(services.woken_db.get_experiment, experiment_id)
    if experiment is None:
        raise NotFound(f"no experiment {experiment_id}")
    return experiment


def _summary(experiment: Experiment) -> dict[str, Any]:
    request = experiment.request or {}
    return {
        "experimentId": experiment.id,
        "state": experiment.state,
        "createdAt": experiment.created_at.isoformat(),
        "finishedAt": experiment.finished_at.isoformat() if experiment.finished_at else None,
        "algorithms": [a.get("code") for a in request.get("algorithms", [])],
        "user": request.get("user"),
        "error": experiment.error,
    }

