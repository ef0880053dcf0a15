"""Generated requests against a real `woken serve` on PostgreSQL: no 5xx, no slow answer.

Bodies are built around the real schema (codes of real variables, datasets,
algorithms and filter operators), with any part replaced by something odd:
another JSON type, unicode, NUL, lone surrogates, huge or non-finite numbers,
deep nesting, broken JSON, the wrong media type. Most cases are refused before
anything runs; the valid ones run the `data` pseudo-algorithm or tiny jobs, and
the served instance allows experiments of at most 5 jobs (a limit is a setting),
so that a case is answered in well under a second.

``WOKEN_FUZZ_EXAMPLES`` runs more cases (the default is CI's); ``derandomize``
makes every run generate the same cases, so a failure reproduces.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.postgres import create_database
from tests.support.server import woken_server
from woken.features.filter_rules import OPERATORS

EXAMPLES = int(os.environ.get("WOKEN_FUZZ_EXAMPLES", "2000"))
# "A few seconds": a refused case takes milliseconds, a tiny job a fraction of a second.
SLOWEST_S = 5.0

VARIABLES = ["cognitive_task2", "score_test1", "score_math_course1", "iq", "sex", "agegroup",
             "iq_band", "stress_before_test1", "species", "petal_width", "progression", "bmi"]
DATASETS = ["sample", "iris", "diabetes", "nope"]
# Fast algorithms only, `data` the most often; tpot would search for minutes.
ALGORITHMS = ["data", "data", "knn", "linearRegression", "naiveBayes", "histograms",
              "statisticsSummary", "anova", "nope", ""]
PARAMETERS = ["k", "bins", "var_smoothing", "alpha", "max_time_mins", "seed"]
ODD_STRINGS = ["\u0000", "a\u0000b", "\ud800", "\u0663", "3_0", "1e400", "NaN", " 2 ",
               "' OR 1=1 --", "%", "_", "\\", "é", "🧠", "", "x" * 300]


@pytest.fixture(scope="module")
def woken_url(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "WOKEN_WOKEN_DB_URL": create_database(postgres_server, "fuzz_woken"),
        "WOKEN_FEATURES_DB_URL": create_database(postgres_server, "fuzz_features"),
        "WOKEN_LIMITS_MAX_EXPERIMENT_JOBS": "5",
        "WOKEN_REQUEST_TIMEOUT_S": "30",
        "WOKEN_JOB_TIMEOUT_S": "30",
    }
    with woken_server(tmp_path_factory.mktemp("fuzz") / "var", env) as woken:
        yield woken.url


# Strategies: odd values first, then the schema's parts, each of which may be odd.

texts = st.one_of(st.sampled_from(ODD_STRINGS), st.text(max_size=12))
numbers = st.one_of(
    st.integers(), st.integers(min_value=10**300, max_value=10**400), st.floats(),
    st.sampled_from([0, -1, 2**63, -(2**63) - 1, 1e300, 0.5]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
odd = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)), max_leaves=8)


def either(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The schema's part most of the time, something odd otherwise."""
    return st.one_of(strategy, strategy, strategy, odd)


codes = either(st.fixed_dictionaries({"code": either(st.sampled_from(VARIABLES))}))
code_lists = either(st.lists(codes, max_size=4))
datasets = either(st.lists(either(st.fixed_dictionaries(
    {"code": either(st.sampled_from(DATASETS))})), max_size=2))
values = st.one_of(scalars, st.sampled_from(["M", "F", "low", "-50+", "1", "50"]),
                   st.lists(scalars, max_size=3))
rules = st.fixed_dictionaries(
    {"field": either(st.sampled_from(VARIABLES)),
     "operator": either(st.sampled_from(sorted(OPERATORS))), "value": values},
    optional={"id": texts, "type": st.sampled_from(["string", "double", "integer"]),
              "input": texts},
)
groups = st.recursive(rules, lambda inner: st.fixed_dictionaries(
    {"condition": either(st.sampled_from(["AND", "OR", "and", "XOR"])),
     "rules": either(st.lists(inner, max_size=3))},
    optional={"not": either(st.booleans())}), max_leaves=6)
filters = st.one_of(st.sampled_from(["", [], {}, None, "age > 3; DROP TABLE x", "[[["]),
                    groups, groups.map(json.dumps), odd)
parameters = either(st.lists(either(st.fixed_dictionaries({
    "code": either(st.sampled_from(PARAMETERS)),
    "value": st.one_of(st.sampled_from(["2", "3", "5", "0.1", "1_0", "\u0663", "-1"]), scalars),
})), max_size=2))
methods = either(st.fixed_dictionaries(
    {"code": either(st.sampled_from(ALGORITHMS))},
    optional={"name": texts, "parameters": parameters}))
validations = either(st.lists(either(st.fixed_dictionaries(
    {"code": either(st.sampled_from(["kfold", "holdout"]))},
    optional={"parameters": either(st.lists(either(st.fixed_dictionaries({
        "code": either(st.just("k")),
        "value": st.one_of(st.sampled_from(["2", "3", "20", "1", "3_0", "\u0663"]), scalars),
    })), max_size=2))})), max_size=2))
selection = {"covariables": code_lists, "grouping": code_lists, "filters": filters,
             "datasets": datasets, "label": odd}
job_bodies = either(st.fixed_dictionaries(
    {"variables": code_lists, "algorithm": methods}, optional=selection))
experiment_bodies = either(st.fixed_dictionaries(
    {"variables": code_lists, "algorithms": either(st.lists(methods, max_size=3))},
    optional={**selection, "validations": validations, "seed": scalars}))

# Bytes no schema would produce: broken JSON, deep nesting, not UTF-8.
raw_bodies = st.one_of(
    st.binary(max_size=64),
    st.integers(min_value=1, max_value=5000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=1, max_value=5000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.sampled_from([b"", b"{", b"null", b"[]", b'"x"', b"{\"variables\": NaN}",
                     b'{"a": "\\u0000"}', b'{"a": "\\ud800"}', b"{'a': 1}",
                     b"1" * 5000, b"\xff\xfe", b'{"a": 1}{"b": 2}']),
)
content_types = st.sampled_from(["application/json"] * 8 + [
    "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", ""])


def quoted(text: str, safe: str = "") -> str:
    """For a URL; a lone surrogate becomes the bytes of an invalid UTF-8 sequence."""
    return quote(text, safe=safe, errors="surrogatepass")


@st.composite
def http_requests(draw: st.DrawFn) -> tuple[str, str, bytes | None, dict[str, str]]:
    """(method, path and query, body, headers) of one request."""
    kind = draw(st.sampled_from(["job", "job", "job", "experiment", "experiment", "raw",
                                 "metadata", "read"]))
    headers = {"Content-Type": draw(content_types)}
    if kind in ("job", "experiment"):
        document = draw(job_bodies if kind == "job" else experiment_bodies)
        path = "/mining/job" if kind == "job" else "/mining/experiment"
        return "POST", path, json.dumps(document).encode(), headers
    if kind == "raw":
        path = draw(st.sampled_from(["/mining/job", "/mining/experiment"]))
        return "POST", path, draw(raw_bodies), headers
    any_text = st.one_of(texts, st.sampled_from(["99999999999999999999", "-1", "1_0", "5"]))
    if kind == "metadata":
        listed = ",".join(draw(st.lists(st.one_of(st.sampled_from(DATASETS), texts),
                                        max_size=3)))
        path = draw(st.sampled_from([
            f"/metadata/variables?datasets={quoted(listed, ',')}", "/metadata/datasets",
            "/mining/algorithms", "/health/db",
        ]))
        return "GET", path, None, {}
    limit, offset = quoted(draw(any_text)), quoted(draw(any_text))
    some_id = quoted(draw(texts)) or "x"
    method, path = draw(st.sampled_from([
        ("GET", f"/mining/experiments?limit={limit}&offset={offset}"),
        ("GET", f"/mining/jobs/{some_id}"),
        ("GET", f"/mining/experiments/{some_id}"),
        ("DELETE", f"/mining/experiments/{some_id}"),
    ]))
    return method, path, None, {}


def test_no_generated_request_gets_a_5xx_or_a_slow_answer(woken_url: str, tmp_path: Path) -> None:
    session = requests.Session()
    seen: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(http_requests())
    def one_request(request: tuple[str, str, bytes | None, dict[str, str]]) -> None:
        method, path, body, headers = request
        started = time.monotonic()
        response = session.request(method, woken_url + path, data=body, headers=headers,
                                    timeout=30)
        elapsed = time.monotonic() - started
        seen.append(response.status_code)
        case = f"{method} {path[:200]} {(body or b'')[:300]!r} {headers}"
        assert response.status_code < 500, f"{case}\n→ {response.status_code} {response.text[:500]}"
        assert elapsed < SLOWEST_S, f"{case}\n→ answered in {elapsed:.1f} s"

    one_request()
    summary = {status: seen.count(status) for status in sorted(set(seen))}
    (tmp_path / "statuses.json").write_text(json.dumps(summary))
    print(f"fuzz: {len(seen)} requests, statuses {summary}")  # noqa: T201 (the run's figures)
    assert len(seen) >= EXAMPLES
    assert summary.get(200, 0) > 0  # some cases were valid and ran
