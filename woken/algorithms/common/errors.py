"""The exceptions an algorithm raises on purpose: one flat tree under `AlgorithmError`.

The runner turns any exception into an error result and exit code 1; these
exist so that the message a user reads says what is wrong with the *job*
(a missing column, a bad parameter, a test before its train) rather than
where the Python code noticed it.
"""

from __future__ import annotations


class AlgorithmError(Exception):
    """A job that cannot be done as asked; the message is written as the result's error."""


class InputError(AlgorithmError):
    """The job's inputs (job.json, data.json, test.json, parameters) are missing or invalid."""


class NoTrainedModel(AlgorithmError):
    """`test` ran on a volume where no `train` saved a model."""
