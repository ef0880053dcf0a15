"""The HTTP front end (aiohttp): app factory, routes, handlers, error middleware."""
