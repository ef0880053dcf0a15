"""One flat tree of Woken's errors; the API's error middleware maps each to an HTTP status."""

from __future__ import annotations


class WokenError(Exception):
    """Base of every error Woken raises on purpose."""

    http_status = 500


class BadRequest(WokenError):
    """The request is malformed or asks for something that does not exist or does not fit."""

    http_status = 400

    def __init__(self, message: str, details: object | None = None) -> None:
        super().__init__(message)
        self.details = details


class NotFound(WokenError):
    http_status = 404


class Unauthorized(WokenError):
    http_status = 401


class ServiceUnavailable(WokenError):
    """Woken cannot take the request now (shutting down, over capacity)."""

    http_status = 503


class ConfigurationError(WokenError):
    """The configuration is invalid; raised at start-up, never during a request."""


class BackendError(WokenError):
    """The backend could not submit, watch or cancel a job."""

    http_status = 502
