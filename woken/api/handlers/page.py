"""The web page at `/`: plain HTML and JavaScript modules from `woken/api/web`, no build step.

It reads the same routes as any client, so the mining routes' authentication applies
to everything it shows.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

WEB_DIR = Path(__file__).parents[1] / "web"
UI_STATIC = "/ui"


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})
