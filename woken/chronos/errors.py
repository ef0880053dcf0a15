"""The errors of the Chronos package (the backend turns them into BackendError)."""

from __future__ import annotations


class ChronosError(Exception):
    """Chronos could not be reached, or answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class InvalidJob(ChronosError):
    """The job would be rejected or silently altered by Chronos: it is never posted."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
