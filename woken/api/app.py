"""The aiohttp application factory: routes in one table, one error middleware."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from woken.api.handlers import docs as docs
from woken.api.handlers import experiments as experiments
from woken.api.handlers import federation as federation
from woken.api.handlers import jobs as jobs
from woken.api.handlers import leaderboard as leaderboard
from woken.api.handlers import logs as logs
from woken.api.handlers import metadata as metadata
from woken.api.handlers import mining as mining
from woken.api.handlers import models as models
from woken.api.handlers import page as page
from woken.api.keys import CONFIG, METRICS, SERVICES
from woken.api.metrics_middleware import metrics, metrics_middleware
from woken.api.middleware import basic_auth_middleware, error_middleware
from woken.config import Config
from woken.system.adoption import adopt_orphans, keep_leases_periodically, start_up_claim
from woken.system.lifecycle import start_services, stop_services
from woken.system.memory import freeze_startup_objects
from woken.system.metrics import Metrics, instrument
from woken.system.retention import sweep_periodically

ROUTES = [
    web.get("/", page.index),
    web.get("/health", metadata.health),
    web.get("/health/db", metadata.health_db),
    web.get("/readiness", metadata.readiness),
    web.get("/mining/algorithms", metadata.algorithms),
    web.get("/mining/list-methods", metadata.algorithms),  # the 2017 name
    web.get("/mining/methods", metadata.methods),  # the 2019 name and form
    web.get("/metadata/datasets", metadata.datasets),
    web.get("/metadata/variables", metadata.variables),
    web.post("/mining/job", mining.run_job),
    web.get("/mining/jobs", jobs.list_jobs),
    web.get("/mining/jobs/{job_id}", mining.get_job),
    web.delete("/mining/jobs/{job_id}", jobs.cancel_job),
    web.get("/mining/jobs/{job_id}/logs", logs.get_job_logs),
    web.post("/mining/experiment", experiments.run_experiment),
    web.get("/mining/experiments", experiments.list_experiments),
    web.get("/mining/experiments/{experiment_id}", experiments.get_experiment),
    web.delete("/mining/experiments/{experiment_id}", experiments.cancel_experiment),
    web.get("/mining/experiments/{experiment_id}/leaderboard.csv", leaderboard.leaderboard),
    web.get("/mining/models/{model_id}", models.get_model),
    web.get("/mining/models/{model_id}/download", models.download_model),
    web.get("/mining/models/{model_id}/onnx", models.download_onnx),
    web.post("/mining/models/{model_id}/predict", models.predict),
    web.get("/openapi.json", docs.openapi_json),
    web.get("/docs", docs.docs),
    web.get("/docs/init.js", docs.docs_init),
    web.get("/metrics", metrics),
    web.post("/mining/federated", federation.federated_run),
    web.get("/mining/federated/algorithms", federation.federated_algorithms),
    web.get("/mining/federated/runs", federation.federated_runs),
    web.get("/mining/federated/runs/{run_id}", federation.federated_run_of),
    web.get("/federation/datasets", federation.site_datasets),
    web.get("/federation/variables", federation.site_variables),
    web.post("/federation/step", federation.site_step),
]


async def services_context(app: web.Application) -> AsyncIterator[None]:
    services = await asyncio.to_thread(start_services, app[CONFIG])
    services = instrument(services, app[METRICS])
    app[SERVICES] = services
    freeze_startup_objects()
    # After the services are up: the work a previous process (or a dead instance) left.
    await asyncio.to_thread(adopt_orphans, services, start_up_claim(services))
    yield
    await asyncio.to_thread(stop_services, services)


async def retention_context(app: web.Application) -> AsyncIterator[None]:
    """The retention policy's periodic sweep, while the service runs."""
    task = asyncio.create_task(sweep_periodically(app[SERVICES]))
    yield
    task.cancel()


async def leases_context(app: web.Application) -> AsyncIterator[None]:
    """Leases renewed and dead instances' work adopted, while the service runs."""
    task = asyncio.create_task(keep_leases_periodically(app[SERVICES]))
    yield
    task.cancel()


def create_app(config: Config) -> web.Application:
    # Outermost first: the metrics see the status the error middleware chose.
    middlewares = [metrics_middleware, error_middleware]
    if config.auth_user:
        guarded = ("/mining",) if config.metadata_open else ("/mining", "/metadata")
        middlewares.append(
            basic_auth_middleware(config.auth_user, config.auth_password, guarded)
        )
    app = web.Application(middlewares=middlewares, client_max_size=config.limits.max_body_bytes)
    app[CONFIG] = config
    app[METRICS] = Metrics()
    # Started in this order, stopped in reverse: the sweep stops before the services.
    app.cleanup_ctx.append(services_context)
    app.cleanup_ctx.append(retention_context)
    app.cleanup_ctx.append(leases_context)
    app.add_routes(ROUTES)
    app.router.add_static(docs.SWAGGER_UI_STATIC, docs.swagger_ui_folder())
    app.router.add_static(page.UI_STATIC, page.WEB_DIR)
    docs.add_openapi_document(app)
    return app
