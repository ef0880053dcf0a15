"""Read-only routes: health, readiness, the catalogue and the features metadata."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text

from woken import __version__
from woken.api.handlers.federation import central_datasets, central_variables
from woken.api.json_answer import json_response
from woken.api.keys import SERVICES
from woken.catalogue.catalogue_2019 import catalogue_2019
from woken.errors import BadRequest
from woken.features.metadata_answers import datasets_answer, variables_answer

log = logging.getLogger(__name__)


async def health(_: web.Request) -> web.Response:
    return json_response({"status": "ok", "version": __version__})


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
    return json_response(
        {"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503
    )


async def readiness(request: web.Request) -> web.Response:
    return await health_db(request)


async def algorithms(request: web.Request) -> web.Response:
    return json_response(request.app[SERVICES].registry.catalogue())


async def methods(request: web.Request) -> web.Response:
    """The catalogue in the 2019 form (`GET /mining/methods`, the 2019 route)."""
    return json_response(catalogue_2019(request.app[SERVICES].registry))


async def datasets(request: web.Request) -> web.Response:
    """Every dataset, or those of the table ``?table=``, each with every table it is in."""
    if request.app[SERVICES].config.federation.is_central:
        # A central lists every site's datasets, each with its location.
        return await central_datasets(request)
    features = request.app[SERVICES].features
    found = await asyncio.to_thread(features.datasets, _table(request))
    return json_response(datasets_answer(found))


async def variables(request: web.Request) -> web.Response:
    """The variables of ``?datasets=a,b`` (default: every dataset), as 2019 lists them.

    The union over the datasets (each variable with the datasets that have it), or with
    ``?exhaustive=true`` only those every dataset has; ``?table=`` reads that table only.
    """
    services = request.app[SERVICES]
    if services.config.federation.is_central:
        return await central_variables(request)
    requested = request.query.get("datasets", "")
    codes = [c.strip() for c in requested.split(",") if c.strip()]
    if len(codes) != len(set(codes)):
        raise BadRequest("a dataset is listed twice")
    exhaustive = request.query.get("exhaustive", "false").lower()
    if exhaustive not in ("true", "false"):
        raise BadRequest(f"exhaustive is true or false, not {exhaustive!r}")
    found = await asyncio.to_thread(
        services.features.listing, codes, _table(request), exhaustive == "true")
    return json_response(variables_answer(found))


def _table(request: web.Request) -> str | None:
    return request.query.get("table", "").strip() or None
