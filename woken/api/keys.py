"""Typed application state."""

from __future__ import annotations

from aiohttp import web

from woken.config import Config
from woken.system.services import Services

CONFIG = web.AppKey("config", Config)
SERVICES = web.AppKey("services", Services)
