"""The HTTP front end (aiohttp): app factory, routes, handlers, error middleware.

:mod:`.app` builds the app (``create_app``); :mod:`.handlers` holds one module per
resource; :mod:`.body` is the one body reader, :mod:`.params` the query parameters;
:mod:`.middleware` maps the domain's errors to statuses in one table.
"""

from woken.api.app import create_app

__all__ = ["create_app"]
