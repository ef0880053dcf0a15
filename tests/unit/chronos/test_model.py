"""Validation before posting: every field Chronos would reject or silently replace is refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from woken.chronos.client import ChronosClient
from woken.chronos.errors import InvalidJob
from woken.chronos.model import ApiVersion, ChronosJob, Container, job_name, validate
from woken.chronos.status import ChronosState, parse_graph_csv, read_status

GOLDEN = json.loads((Path(__file__).parent / "golden" / "compute_job.json").read_text())


def changed(path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(GOLDEN)
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return document


DELETE = object()

BAD = [
    ("name", "woken knn", "name"),
    ("name", "woken/knn", "name"),
    ("name", "", "name"),
    ("name", "x" * 201, "longer"),
    ("schedule", "R//PT1M", "R1"),
    ("schedule", "R1/PT1M", "repeating interval"),
    ("schedule", "R1//1M", "repeating interval"),
    ("epsilon", "5 minutes", "epsilon"),
    ("command", "/bin/sh -c compute", "command"),
    ("shell", DELETE, "shell"),
    ("shell", "false", "shell"),
    ("retries", DELETE, "retries"),
    ("retries", 2, "retries"),
    ("retries", False, "retries"),
    ("cpus", 0, "cpus"),
    ("cpus", "1", "cpus"),
    ("mem", DELETE, "mem"),
    ("disk", float("nan"), "disk"),
    ("owner", "woken", "owner"),
    ("container", DELETE, "container"),
    ("container.type", "MESOS", "container.type"),
    ("container.image", "woken/knn", "pinned"),
    ("container.image", "Woken/KNN:1", "image"),
    ("container.network", "bridge", "network"),
    ("container.forcePullImage", "false", "forcePullImage"),
    ("container.volumes.0.hostPath", "relative/path", "hostPath"),
    ("container.volumes.0.mode", "rw", "mode"),
    ("container.parameters", [{"key": "network"}], "parameters"),
    ("constraints", [["hostname", "EQ", "agent-1"]], "constraints[0]"),
    ("constraints", [["hostname", "EQUALS"]], "constraints[0]"),
    ("environmentVariables", [{"name": "A", "value": 1}], "environmentVariables[0]"),
    ("environmentVariables", [{"name": "1A", "value": "x"}], "invalid"),
    ("environmentVariables", [{"name": "A", "value": "x"}, {"name": "A", "value": "y"}], "twice"),
]


@pytest.mark.parametrize(("path", "value", "reason"), BAD,
                         ids=[f"{p}={v!r}"[:40] for p, v, _ in BAD])
def test_validation_refuses_what_chronos_would_reject_or_replace(path, value, reason) -> None:
    with pytest.raises(InvalidJob) as raised:
        validate(changed(path, value))
    assert any(reason in problem for problem in raised.value.problems), raised.value.problems


def test_validation_lists_every_problem_at_once() -> None:
    document = changed("shell", True)
    document["retries"] = 2
    with pytest.raises(InvalidJob) as raised:
        validate(document)
    assert len(raised.value.problems) == 2
    assert "shell" in str(raised.value) and "retries" in str(raised.value)


def test_names_are_valid_for_both_api_versions_whatever_the_algorithm_code() -> None:
    for code in ("knn", "linear.Regression", "naive bayes", "a/b#c"):
        name = job_name(code, "3f2c9d1e-0b7a-4c36-9d55-8a1f0e6b2c47")
        for version in ApiVersion:
            assert version.name_pattern.fullmatch(name), (code, name, version)
        assert name.endswith("3f2c9d1e-0b7a-4c36-9d55-8a1f0e6b2c47")


def test_chronos_2_5_json_has_no_3_x_container_fields_and_its_own_prefix() -> None:
    job = ChronosJob(name="woken_knn_1", command="compute",
                     container=Container(image="woken/knn:0.1.0", parameters=(("a", "b"),)))
    document = job.to_json(ApiVersion.V2_5)
    assert set(document["container"]) == {"image", "network", "volumes"}
    assert (ApiVersion.V2_5.prefix, ApiVersion.V3.prefix) == ("/scheduler", "/v1/scheduler")
    # A dot is fine for 3.x, not for 2.5.
    dotted = ChronosJob(name="woken.knn", command="compute", container=job.container)
    dotted.to_json(ApiVersion.V3)
    with pytest.raises(InvalidJob):
        dotted.to_json(ApiVersion.V2_5)


STATUS_RULES = [
    (None, None, ChronosState.LOST),
    ({"successCount": 1, "errorCount": 0, "disabled": True}, None, ChronosState.SUCCEEDED),
    ({"successCount": 1, "errorCount": 2, "disabled": True}, None, ChronosState.SUCCEEDED),
    ({"successCount": 0, "errorCount": 1, "disabled": True}, None, ChronosState.FAILED),
    ({"successCount": 0, "errorCount": 0, "softError": True}, None, ChronosState.FAILED),
    ({"successCount": 0, "errorCount": 0, "disabled": False}, "queued", ChronosState.QUEUED),
    ({"successCount": 0, "errorCount": 0, "disabled": False}, "running", ChronosState.RUNNING),
    ({"successCount": 0, "errorCount": 0, "disabled": False}, None, ChronosState.QUEUED),
]


@pytest.mark.parametrize(("job", "graph", "expected"), STATUS_RULES)
def test_status_rules_of_the_contract(job, graph, expected) -> None:
    if job is not None:
        job = {"name": "j", **job}
    assert read_status(job, graph).state is expected


def test_graph_csv_is_read_by_exact_name() -> None:
    graph = parse_graph_csv("node,woken_a,success,idle\nnode,woken_ab,fresh,running\nlink,a,b\n")
    assert graph == {"woken_a": ("success", "idle"), "woken_ab": ("fresh", "running")}


def test_submissions_are_throttled_to_one_per_interval() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = ChronosClient("http://unused", submit_interval_s=0.1, clock=lambda: now[0],
                           sleep=sleep)
    for _ in range(3):
        client._throttle()
    assert slept == pytest.approx([0.1, 0.1])
    now[0] += 5
    client._throttle()
    assert len(slept) == 2  # a submission after a quiet spell goes at once
