"""One flat tree of Woken's errors.

They say what went wrong in the domain's words and know nothing of HTTP: the
API's error middleware maps each class to a status in one table
(`woken.api.middleware.STATUS_BY_ERROR`).
"""

from __future__ import annotations


class WokenError(Exception):
    """Base of every error Woken raises on purpose."""

    # What the answer carries beside the message (a JSON value), if anything.
    details: object | None = None


class BadRequest(WokenError):
    """The request is malformed or asks for something that does not exist or does not fit."""

    def __init__(self, message: str, details: object | None = None) -> None:
        super().__init__(message)
        self.details = details


class NotFound(WokenError):
    """The job, experiment or model asked for does not exist."""


class NotExportable(WokenError):
    """The model exists but cannot be given in the format asked for (the step is named)."""


class ServiceUnavailable(WokenError):
    """Woken cannot take the request now (shutting down, over capacity)."""


class ConfigurationError(WokenError):
    """The configuration is invalid; raised at start-up, never during a request."""


class BackendError(WokenError):
    """The backend could not submit, watch or cancel a job."""


class PayloadTooLarge(BadRequest):
    """The request body is larger than the configured limit."""


class UnsupportedMediaType(BadRequest):
    """The request body is not of a media type Woken reads (JSON only)."""


class DatabaseUnavailable(ServiceUnavailable):
    """A database (features or woken-db) cannot be reached; the message names which, no host."""


class WorkInterrupted(ServiceUnavailable):
    """This instance cannot write the state of its work now: its copy stops, writing nothing.

    woken-db keeps the work as it was last written, and it is resumed from there: by the
    instance that adopted it, or by this one once woken-db answers again.
    """


class LeaseLost(WorkInterrupted):
    """Another instance claimed the experiment or job since this one did: its write is refused.

    The instance stops its copy of the work without writing (woken.storage.fencing); a
    request about it is for the instance that holds it now.
    """


class WokenDbUnavailable(DatabaseUnavailable, WorkInterrupted):
    """woken-db itself cannot be reached: nothing of the work's state can be written."""
