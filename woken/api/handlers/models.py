"""The models experiments keep: their card, their file, and predictions of new rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from woken.api.body import read_body, read_json_body
from woken.api.bridge import reply_future
from woken.api.json_answer import json_response
from woken.api.keys import SERVICES
from woken.errors import BackendError, BadRequest
from woken.planning.prediction_rows import records_from_csv, records_from_json
from woken.storage.database import StoredResult
from woken.system.services import Services
from woken.system.trained_models import card, model_file, onnx_file, start_prediction

CSV_TYPES = {"text/csv", "application/csv"}


async def get_model(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    return json_response(
        await asyncio.to_thread(card, services, request.match_info["model_id"])
    )


async def download_model(request: web.Request) -> web.FileResponse:
    return await _download(request, model_file, "joblib")


async def download_onnx(request: web.Request) -> web.FileResponse:
    return await _download(request, onnx_file, "onnx")


async def _download(request: web.Request, find: Callable[[Services, str], Path],
                    extension: str) -> web.FileResponse:
    """The model's file that `find` names, as an attachment called <model id>.<extension>."""
    model_id = request.match_info["model_id"]
    path = await asyncio.to_thread(find, request.app[SERVICES], model_id)
    return web.FileResponse(path, headers={
        "Content-Type": "application/octet-stream",
        "Content-Disposition": f'attachment; filename="{model_id}.{extension}"',
    })


async def predict(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    model_id = request.match_info["model_id"]
    if request.content_type in CSV_TYPES:
        try:
            text = (await read_body(request)).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the CSV rows are not UTF-8 text") from None
        records = records_from_csv(text)
    else:
        records = records_from_json(await read_json_body(request))

    future: asyncio.Future[StoredResult]
    future, reply = reply_future(asyncio.get_running_loop())
    job_id = await asyncio.to_thread(start_prediction, services, model_id, records, reply)
    try:
        result = await asyncio.wait_for(future, services.config.request_timeout_s)
    except TimeoutError:
        return json_response(
            {"message": f"the prediction did not end within "
                        f"{services.config.request_timeout_s:g} s; poll /mining/jobs/{job_id}",
             "jobId": job_id},
            status=504, headers={"Location": f"/mining/jobs/{job_id}"},
        )
    if result.error or not isinstance(result.data, dict):
        raise BackendError(f"the prediction job {job_id} failed: {result.error} "
                           f"(logs: /mining/jobs/{job_id}/logs)")
    return json_response({"modelId": model_id, "jobId": job_id, **result.data})
