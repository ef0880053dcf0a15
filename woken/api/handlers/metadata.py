"""Read-only routes: health, readiness, the catalogue and the features metadata."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text

from woken import __version__
from woken.api.keys import SERVICES
from woken.errors import BadRequest
from woken.features.metadata_answers import datasets_answer, variables_answer

log = logging.getLogger(__name__)


async def health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "version": __version__})


async def health_db(request: web.Request) -> web.Response:
    services = request.app[SERVICES]

    def probe() -> dict[str, str]:
        report = {}
        for name, engine in (("woken_db", services.woken_db.engine),
                             ("features_db", services.features.engine)):
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                report[name] = "ok"
            except Exception:
                # The route is open: the cause (host, port, user) goes to the log only.
                log.exception("health: %s unavailable", name)
                report[name] = "unavailable"
        return report

    report = await asyncio.to_thread(probe)
    healthy = all(value == "ok" for value in report.values())
    return web.json_response(
        {"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503
    )


async def readiness(request: web.Request) -> web.Response:
    return await health_db(request)


async def algorithms(request: web.Request) -> web.Response:
    return web.json_response(request.app[SERVICES].registry.catalogue())


async def datasets(request: web.Request) -> web.Response:
    features = request.app[SERVICES].features
    found = await asyncio.to_thread(features.datasets)
    return web.json_response(datasets_answer(found))


async def variables(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    requested = request.query.get("datasets", "")
    codes = [c.strip() for c in requested.split(",") if c.strip()] or [
        services.config.default_dataset
    ]
    if len(codes) != len(set(codes)):
        raise BadRequest("a dataset is listed twice")
    found = await asyncio.to_thread(services.features.variables, codes)
    return web.json_response(variables_answer(found, codes))
