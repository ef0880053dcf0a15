"""Count every HTTP answer by route and status, and serve the counts at /metrics."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from woken.api.keys import METRICS
from woken.api.middleware import Handler


def route_of(request: web.Request) -> str:
    """The route's template, not the path: one label per route however many ids there are."""
    resource = request.match_info.route.resource
    if resource is None or isinstance(request.match_info.http_exception, web.HTTPNotFound):
        return "unmatched"
    return resource.canonical


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        request.app[METRICS].http_requests.labels(
            request.method, route_of(request), str(status)
        ).inc()


async def metrics(request: web.Request) -> web.Response:
    # CONTENT_TYPE_LATEST carries its charset; aiohttp wants them apart.
    content_type, _, charset = CONTENT_TYPE_LATEST.partition("; charset=")
    return web.Response(body=request.app[METRICS].exposition(), content_type=content_type,
                        charset=charset or None)
