"""Typed application state."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from woken.config import Config
from woken.system.metrics import Metrics
from woken.system.services import Services

CONFIG = web.AppKey("config", Config)
SERVICES = web.AppKey("services", Services)
OPENAPI = web.AppKey("openapi", dict[str, Any])
METRICS = web.AppKey("metrics", Metrics)
