"""The time budget enforced from outside: the manifest's rule, and the plan that uses it."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.unit.algorithms.volumes import ALGORITHMS_DIR
from woken.catalogue.registry import Registry, parse_manifest
from woken.errors import BadRequest, ConfigurationError
from woken.features.selection import SelectedData
from woken.features.variables import VariableMeta
from woken.planning.limits import RequestLimits
from woken.planning.planner import plan_job
from woken.planning.queries import AlgorithmRequest, MiningQuery

REGISTRY = Registry.load(ALGORITHMS_DIR)
TPOT = REGISTRY.get("tpot")


@pytest.mark.parametrize(("parameters", "expected_s"), [
    ({}, 1 * 60 * 1.25 + 60),  # the parameter's default: 1 minute
    ({"max_time_mins": "1"}, 135.0),
    ({"max_time_mins": "0.05"}, 3 * 1.25 + 60),
    ({"max_time_mins": "10", "generations": "3"}, 600 * 1.25 + 60),
    ({"max_time_mins": "1440"}, 1440 * 60 * 1.25 + 60),
])
def test_the_timeout_is_the_budget_with_its_overshoot_plus_a_grace(
    parameters: dict[str, str], expected_s: float
) -> None:
    assert TPOT.timeout_for(parameters, default_s=600.0) == pytest.approx(expected_s)


def test_without_a_budget_the_manifest_timeout_or_the_default_applies() -> None:
    knn = REGISTRY.get("knn")
    assert knn.budget_parameter is None
    assert knn.timeout_for({"k": "5"}, default_s=600.0) == 600.0
    assert replace(knn, timeout_s=30.0).timeout_for({"k": "5"}, default_s=600.0) == 30.0


def test_a_budget_that_is_no_number_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="parameter 'max_time_mins' must be a number"):
        TPOT.timeout_for({"max_time_mins": "soon"}, default_s=600.0)
    with pytest.raises(BadRequest, match="must be a finite number >= 0"):
        TPOT.timeout_for({"max_time_mins": "inf"}, default_s=600.0)


def test_the_catalogue_states_the_budget_rule() -> None:
    entries = {a["code"]: a for a in REGISTRY.catalogue()["algorithms"]}
    assert entries["tpot"]["budget"] == {
        "parameter": "max_time_mins", "unit": "minutes", "default_value": 1, "min": 0.05,
        "max": 1440, "overshoot": 0.25, "grace_s": 60.0,
        "timeout": "max_time_mins x 60 x 1.25 + 60 s",
    }
    assert entries["knn"]["budget"] is None


MANIFEST = """\
code = "{code}"
label = "Timed"
type = "predictive_model"
docker_image = "woken/timed:0.1.0"
{budget}

[[parameters]]
code = "minutes"
label = "Minutes"
type = "{type}"
default_value = 2
min = 0
max = 60

[[parameters]]
code = "name"
label = "Name"
type = "string"
default_value = "x"
"""


def _manifest(tmp_path: Path, budget: str, type: str = "number") -> Path:
    folder = tmp_path / "timed"
    folder.mkdir()
    (folder / "entrypoint.sh").write_text("#!/bin/sh\n")
    path = folder / "algorithm.toml"
    path.write_text(MANIFEST.format(code="timed", budget=budget, type=type))
    return path


def test_a_manifest_sets_its_own_overshoot_and_grace(tmp_path: Path) -> None:
    spec = parse_manifest(_manifest(
        tmp_path, 'budget_parameter = "minutes"\nbudget_overshoot = 0.5\nbudget_grace_s = 10'
    ))
    assert spec.timeout_for({}, default_s=600.0) == 2 * 60 * 1.5 + 10
    assert spec.timeout_for({"minutes": "4"}, default_s=600.0) == 4 * 60 * 1.5 + 10
    assert spec.to_json()["budget"]["timeout"] == "minutes x 60 x 1.5 + 10 s"


@pytest.mark.parametrize(("budget", "type", "message"), [
    ('budget_parameter = "seconds"', "number", "budget_parameter 'seconds' must name"),
    ('budget_parameter = "name"', "number", "budget_parameter 'name' must name"),
    ('budget_parameter = "minutes"', "enumeration", "budget_parameter 'minutes' must name"),
    ("budget_grace_s = 30", "number", "budget_grace_s without budget_parameter"),
    ('budget_parameter = "minutes"\nbudget_overshoot = -1', "number", "must be >= 0"),
])
def test_a_wrong_budget_is_a_configuration_error(
    tmp_path: Path, budget: str, type: str, message: str
) -> None:
    path = _manifest(tmp_path, budget, type)
    if type == "enumeration":
        path.write_text(path.read_text().replace("min = 0\nmax = 60", 'values = ["2"]'))
    with pytest.raises(ConfigurationError, match=message):
        parse_manifest(path)


class _Features:
    """Just enough of the features database for `plan_job`: one data set, two variables."""

    metas = {
        "species": VariableMeta("species", "Species", "polynominal",
                                ({"code": "a", "label": "A"}, {"code": "b", "label": "B"})),
        "width": VariableMeta("width", "Width", "real"),
    }

    def dataset(self, code: str) -> None:
        assert code == "iris"

    def snapshot(self) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()

    def dataset_tables(self) -> dict[str, tuple[str, ...]]:
        return {"iris": ("iris",)}

    def variables(self, datasets: list[str], table: str | None = None) -> list[VariableMeta]:
        return list(self.metas.values())

    def count(self, dataset: str, filters: Any, table: str | None = None) -> int:
        return 2

    def resolve(
        self, datasets: list[str], codes: list[str], table: str | None = None
    ) -> list[VariableMeta]:
        return [self.metas[c] for c in codes]

    def select(
        self, datasets: list[str], codes: list[str], filters: Any, keep_missing: bool = False,
        required: Any = (), table: str | None = None,
    ) -> SelectedData:
        return SelectedData(columns=list(codes), rows=[["a", 1.0], ["b", 2.0]])


def _plan(code: str, parameters: list[dict[str, Any]]) -> Any:
    services: Any = SimpleNamespace(
        config=SimpleNamespace(default_dataset="iris", job_timeout_s=600.0,
                               limits=RequestLimits()),
        features=_Features(),
    )
    query = MiningQuery(variables=["species"], covariables=["width"], grouping=[], filters=None,
                        datasets=["iris"], algorithm=AlgorithmRequest(code, parameters=parameters))
    return plan_job(services, query, REGISTRY.get(code))


def test_a_job_plan_gets_the_budget_timeout() -> None:
    assert _plan("tpot", [{"code": "max_time_mins", "value": "2"}]).timeout_s == 2 * 75 + 60
    assert _plan("tpot", []).timeout_s == 135.0
    assert _plan("knn", []).timeout_s == 600.0
