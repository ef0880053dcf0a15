"""log_format = "json": one JSON object per line, with the experiment and job ids as fields."""

from __future__ import annotations

import json
import logging

import pytest

from woken.cli.log_format import JsonFormatter, use_log_format
from woken.errors import ConfigurationError

EXPERIMENT = "0b6c9a4e-3f1d-4c2a-9e8b-5d7f6a1b2c3d"
JOB = "9f8e7d6c-5b4a-4321-8fed-cba987654321"


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("woken.test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_ids_named_in_the_message_become_fields() -> None:
    line = JsonFormatter().format(record("job %s of experiment %s ended", JOB, EXPERIMENT))
    document = json.loads(line)
    assert document["experiment_id"] == EXPERIMENT and document["job_id"] == JOB
    assert document["level"] == "INFO" and document["logger"] == "woken.test"
    assert document["message"] == f"job {JOB} of experiment {EXPERIMENT} ended"


def test_ids_given_as_extra_win_and_absent_ids_are_left_out() -> None:
    document = json.loads(JsonFormatter().format(record("started", job_id="given")))
    assert document["job_id"] == "given" and "experiment_id" not in document


def test_an_unknown_format_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="log_format must be one of text, json"):
        use_log_format("xml")
