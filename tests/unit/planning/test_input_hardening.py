"""The input checks of issue 10 without HTTP: strict numbers, body decoding, limits, job errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from woken._guards.strict_numbers import parse_int, parse_number
from woken.api.body import decode_json
from woken.container.job_errors import installation_paths, user_error
from woken.errors import BadRequest, PayloadTooLarge
from woken.planning.limits import RequestLimits, check_body_counts, check_body_size

LIMITS = RequestLimits()


@pytest.mark.parametrize("text", ["3_0", "\u0663", "0x3", "3.0", "", "+", "1e3", "\uff19"])
def test_integers_are_plain_decimal(text: str) -> None:
    with pytest.raises(ValueError, match="not a decimal integer"):
        parse_int(text)


def test_plain_integers_and_numbers_parse() -> None:
    assert parse_int(" 30 ") == 30 and parse_int("-2") == -2
    assert parse_number("1e-3") == 0.001 and parse_number(".5") == 0.5
    for text in ("1_0.5", "nan", "inf", "\u0665.0", "0x1p3"):
        with pytest.raises(ValueError, match="not a decimal number"):
            parse_number(text)


@pytest.mark.parametrize(("body", "says"), [
    (b"[" * 1000 + b"]" * 1000, "max_json_depth"),
    (b'{"a": "\\u0000"}', "NUL"),
    (b'{"\\u0000": 1}', "NUL"),
    (b'{"a": "\\ud800"}', "surrogate"),
    (b'{"a": NaN}', "not valid JSON"),
    (b"9" * 5000, "not valid JSON"),
    (b"\xff", "not UTF-8"),
])
def test_malformed_bodies_are_bad_requests(body: bytes, says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        decode_json(body, LIMITS)


def test_brackets_inside_strings_do_not_nest() -> None:
    assert decode_json(json.dumps({"a": "[{" * 1000, "b": "\\\"[["}).encode(), LIMITS)


def test_80000_covariables_are_refused_on_their_count_in_well_under_a_second() -> None:
    body = json.dumps({"variables": [{"code": "y"}],
                       "covariables": [{"code": f"v{i}"} for i in range(80_000)]}).encode()
    started = time.perf_counter()
    with pytest.raises(BadRequest, match=r"limits\.max_covariables"):
        check_body_counts(decode_json(body, LIMITS), LIMITS)
    assert time.perf_counter() - started < 2  # ~0.4 s; a margin for a busy machine


def test_the_body_limit_is_a_413_kind_of_error() -> None:
    with pytest.raises(PayloadTooLarge, match=r"\(WOKEN_LIMITS_MAX_BODY_BYTES\)"):
        check_body_size(LIMITS.max_body_bytes + 1, LIMITS)


def test_a_job_error_is_one_line_without_server_paths(tmp_path: Path) -> None:
    stderr = (
        "Traceback (most recent call last):\n"
        f'  File "{installation_paths().popitem()[0]}/x.py", line 3, in run\n'
        "    fit()\n    ^^^^^\n"
        f"ValueError: cannot read {tmp_path}/var/volumes/j1/input.json\n"
    )
    error = user_error("algorithm 'knn' failed with exit code 1", stderr,
                       {**installation_paths(), tmp_path / "var": "<data>"})
    assert error == ("algorithm 'knn' failed with exit code 1: ValueError: cannot read "
                     "<data>/volumes/j1/input.json")
    assert user_error("timed out", "", {}) == "timed out"
    assert "/usr/lib" not in user_error("failed", "OSError: /usr/lib/x/y.so missing", {})
