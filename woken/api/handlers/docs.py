"""The API's own documentation: `/openapi.json` and Swagger UI at `/docs`.

Swagger UI's files come from the `swagger-ui-bundle` package and are served by this
app: the page works without any network access.
"""

from __future__ import annotations

from aiohttp import web

from woken.api.json_answer import json_response
from woken.api.keys import CONFIG, OPENAPI
from woken.api.openapi import build_openapi

SWAGGER_UI_STATIC = "/docs/static"

SWAGGER_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Woken API</title>
  <link rel="stylesheet" href="{SWAGGER_UI_STATIC}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{SWAGGER_UI_STATIC}/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""

# A separate script (not inline): a Content-Security-Policy without 'unsafe-inline' allows it.
SWAGGER_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});
"""


def swagger_ui_folder() -> str:
    from swagger_ui_bundle import swagger_ui_path

    return str(swagger_ui_path)


def add_openapi_document(app: web.Application) -> None:
    """Built once, when every route is added: the route table does not change while it runs."""
    app[OPENAPI] = build_openapi(app, auth=bool(app[CONFIG].auth_user))


async def openapi_json(request: web.Request) -> web.Response:
    return json_response(request.app[OPENAPI])


async def docs(_: web.Request) -> web.Response:
    return web.Response(text=SWAGGER_PAGE, content_type="text/html")


async def docs_init(_: web.Request) -> web.Response:
    return web.Response(text=SWAGGER_INIT, content_type="application/javascript")
