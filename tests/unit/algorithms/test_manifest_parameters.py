"""Each container reads its parameters' defaults, bounds and values from its own manifest."""

from __future__ import annotations

import math

import pytest

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.manifest import parameter_rules
from woken.algorithms.common.parameters import Parameters
from woken.catalogue.registry import Registry
from woken.config import ALGORITHMS_DIR

REGISTRY = Registry.load(ALGORITHMS_DIR)
PARAMETERS = [(code, p) for code in REGISTRY.codes() for p in REGISTRY.get(code).parameters]
NUMERIC = [(code, p) for code, p in PARAMETERS if p.type in ("int", "number")]
ENUMERATIONS = [(code, p) for code, p in PARAMETERS if p.type == "enumeration"]


def read(parameters: Parameters, type_: str, code: str) -> object:
    if type_ == "int":
        return parameters.int_param(code)
    if type_ == "number":
        return parameters.float_param(code)
    return parameters.str_param(code)


def test_every_algorithm_has_its_rules_where_its_container_looks() -> None:
    for code in REGISTRY.codes():
        assert set(parameter_rules(code)) == {p.code for p in REGISTRY.get(code).parameters}


@pytest.mark.parametrize(("algorithm", "spec"), PARAMETERS, ids=lambda v: getattr(v, "code", v))
def test_a_missing_parameter_takes_the_manifest_default(algorithm: str, spec) -> None:
    parameters = Parameters({}, parameter_rules(algorithm))
    if spec.default_value is None:
        with pytest.raises(InputError, match="required"):
            read(parameters, spec.type, spec.code)
        return
    assert read(parameters, spec.type, spec.code) == spec.default_value


@pytest.mark.parametrize(("algorithm", "spec"), NUMERIC, ids=lambda v: getattr(v, "code", v))
def test_a_value_outside_the_manifest_bounds_is_refused(algorithm: str, spec) -> None:
    rules = parameter_rules(algorithm)
    outside = []
    if spec.min is not None and math.isfinite(spec.min):
        outside.append(spec.min - 1)
    if spec.max is not None and math.isfinite(spec.max):
        outside.append(spec.max + 1)
    assert outside, f"{algorithm}.{spec.code} has no bounds"
    for value in outside:
        text = str(int(value)) if spec.type == "int" else repr(float(value))
        with pytest.raises(InputError, match=f"parameter '{spec.code}' must be between"):
            read(Parameters({spec.code: text}, rules), spec.type, spec.code)
    inside = spec.min if spec.min is not None else spec.max
    text = str(int(inside)) if spec.type == "int" else repr(float(inside))
    assert read(Parameters({spec.code: text}, rules), spec.type, spec.code) == inside


@pytest.mark.parametrize(
    ("algorithm", "spec"), ENUMERATIONS, ids=lambda v: getattr(v, "code", v)
)
def test_a_value_outside_the_manifest_values_is_refused(algorithm: str, spec) -> None:
    rules = parameter_rules(algorithm)
    with pytest.raises(InputError, match=f"parameter '{spec.code}' must be one of"):
        Parameters({spec.code: "no-such-value"}, rules).str_param(spec.code)
    for value in spec.values:
        assert Parameters({spec.code: value}, rules).str_param(spec.code) == value
