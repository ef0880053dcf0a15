"""Every JSON answer of the API, encoded by orjson (`woken.algorithms.common.json_text`).

An experiment's answer carries its models, megabytes for a k-NN's PFA codebook:
aiohttp's default encoder (the standard library's) spent ten times longer on it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from woken.algorithms.common import json_text


def json_response(data: Any = None, **kwargs: Any) -> web.Response:
    """`aiohttp.web.json_response` with orjson's text (NaN written as ``null``)."""
    return web.json_response(data, dumps=json_text.dumps_text, **kwargs)
