"""`GET /mining/experiments/{id}/leaderboard.csv`: the leaderboard for a spreadsheet."""

from __future__ import annotations

from aiohttp import web

from woken.api.handlers.experiments import experiment_of
from woken.results.leaderboard_csv import leaderboard_csv


async def leaderboard(request: web.Request) -> web.Response:
    experiment = await experiment_of(request)
    board = (experiment.result or {}).get("leaderboard")
    return web.Response(
        text=leaderboard_csv(board), content_type="text/csv",
        headers={"Content-Disposition":
                 f'attachment; filename="leaderboard-{experiment.id}.csv"'},
    )
