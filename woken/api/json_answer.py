"""Every JSON answer of the API, encoded by orjson (`woken.algorithms.common.json_text`).

An experiment's answer carries its models, megabytes for a k-NN's PFA codebook:
aiohttp's default encoder (the standard library's) spent ten times longer on it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from woken.algorithms.common import json_text


def json_response(*args: Any, **kwargs: Any) -> web.Response:
    """`aiohttp.web.json_response` with orjson's text (NaN written as ``null``).

    Its arguments as aiohttp takes them: ``data``, or ``body`` already encoded.
    """
    return web.json_response(*args, dumps=json_text.dumps_text, **kwargs)
