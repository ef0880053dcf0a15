"""The Chronos job model, its JSON, the REST client and status reading (see issue 5)."""

from woken.chronos.client import ChronosClient
from woken.chronos.errors import ChronosError, InvalidJob
from woken.chronos.model import ApiVersion, ChronosJob, Constraint, Container, Volume, job_name
from woken.chronos.status import ChronosJobStatus, ChronosState

__all__ = [
    "ApiVersion", "ChronosClient", "ChronosError", "ChronosJob", "ChronosJobStatus",
    "ChronosState", "Constraint", "Container", "InvalidJob", "Volume", "job_name",
]
