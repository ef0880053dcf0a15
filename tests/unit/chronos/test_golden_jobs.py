"""Golden tests: the exact JSON Woken posts to Chronos, checked against Chronos 3.0.2's rules.

A change of these documents changes what runs on the clusters: update the
golden files on purpose only (they were reviewed field by field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.chronos_double import ChronosDouble
from tests.unit.chronos.jobs import PAIR_VOLUME, backend, compute_spec, pair_specs
from woken.chronos.model import ApiVersion, validate

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def as_chronos_3_0_2_reads_it(document: dict[str, Any]) -> dict[str, Any]:
    """The job as Chronos 3.0.2 stores it: its deserialiser, replacements included."""
    double = ChronosDouble({}, Path("/nonexistent"))
    return double._render(double._deserialize(json.dumps(document).encode()))


def test_compute_job_is_the_golden_document() -> None:
    assert backend().chronos_job(compute_spec()).to_json() == golden("compute_job.json")


def test_train_test_pair_is_the_golden_pair() -> None:
    train, test = pair_specs()
    posted = [backend().chronos_job(train).to_json(), backend().chronos_job(test).to_json()]
    assert posted == golden("train_test_pair.json")


def test_the_pair_shares_its_volume_and_the_test_job_is_pinned_to_the_train_host() -> None:
    train, test = golden("train_test_pair.json")
    assert train["container"]["volumes"] == test["container"]["volumes"]
    assert train["container"]["volumes"][0]["hostPath"].endswith(PAIR_VOLUME)
    assert (train["command"], test["command"]) == ("train", "test")
    assert train["constraints"] == []
    assert test["constraints"] == [["hostname", "EQUALS", "agent-3.example.org"]]


@pytest.mark.parametrize("name", ["compute_job.json", "train_test_pair.json"])
def test_golden_jobs_pass_woken_validation_for_chronos_3(name: str) -> None:
    documents = golden(name)
    for document in documents if isinstance(documents, list) else [documents]:
        validate(document, ApiVersion.V3)


@pytest.mark.parametrize("name", ["compute_job.json", "train_test_pair.json"])
def test_chronos_3_0_2_keeps_every_field_as_sent(name: str) -> None:
    """Nothing is silently replaced by a default: every field reads back as it was sent."""
    documents = golden(name)
    for sent in documents if isinstance(documents, list) else [documents]:
        stored = as_chronos_3_0_2_reads_it(sent)
        for key, value in sent.items():
            if key == "container":
                for inner, inner_value in value.items():
                    assert stored["container"][inner] == inner_value, (key, inner)
            else:
                assert stored[key] == value, key


def test_the_container_sees_its_volume_at_data() -> None:
    document = golden("compute_job.json")
    variables = {v["name"]: v["value"] for v in document["environmentVariables"]}
    volume = document["container"]["volumes"][0]
    assert variables["JOB_VOLUME"] == volume["containerPath"] == "/data"
    assert volume["mode"] == "RW"
    assert document["shell"] is False and document["retries"] == 0
    assert document["schedule"] == "R1//PT1M"
