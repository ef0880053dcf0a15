"""Reading a job: job.json and data.json into JobInputs, with clear errors for bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.volumes import nominal, real, write_volume
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import read_inputs
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.table import Table
from woken.algorithms.common.variables import Variable


def _volume(tmp_path: Path) -> Path:
    return write_volume(
        tmp_path,
        algorithm="knn",
        variables=[real("age", [30, 40, 50], type="integer")],
        covariables=[nominal("sex", ["M", "F", "M"], categories=["F", "M"],
                             labels=["Female", "Male"])],
        grouping=[nominal("site", ["a", "b", "a"])],
        parameters={"k": "3", "alpha": "0.5", "kind": "fast"},
    )


def test_read_inputs_types_every_part_of_the_job(tmp_path: Path) -> None:
    inputs = read_inputs(_volume(tmp_path))
    assert inputs.algorithm == "knn"
    assert inputs.variables == ("age",)
    assert inputs.target.code == "age" and inputs.target.is_numeric
    assert [v.code for v in inputs.features] == ["sex", "site"]
    assert inputs.metadata["sex"].categories == ("F", "M")
    assert inputs.metadata["sex"].label_of("M") == "Male"
    assert inputs.columns == ("age", "sex", "site")
    assert inputs.rows[1] == (40.0, "F", "b")
    assert inputs.int_param("k") == 3
    assert inputs.float_param("alpha") == 0.5
    assert inputs.str_param("kind") == "fast"
    np.testing.assert_array_equal(inputs.table.numeric(inputs.target), [30.0, 40.0, 50.0])


def test_parameter_accessors_convert_default_and_refuse() -> None:
    parameters = Parameters({"k": "x", "n": "4", "f": "nan"})
    assert parameters.int_param("n") == 4
    assert parameters.int_param("missing", 7) == 7
    assert parameters.float_param("missing", 1.5) == 1.5
    with pytest.raises(InputError, match="'k' must be an integer, got 'x'"):
        parameters.int_param("k")
    with pytest.raises(InputError, match="'f' must be finite"):
        parameters.float_param("f")
    with pytest.raises(InputError, match="parameter 'missing' is required"):
        parameters.int_param("missing")


def test_a_missing_column_names_the_column_and_the_file(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    data = json.loads((volume / "data.json").read_text())
    data["columns"][0] = "renamed"
    (volume / "data.json").write_text(json.dumps(data))
    inputs = read_inputs(volume)
    with pytest.raises(InputError, match=r"column 'age' is not in data.json"):
        inputs.table.numeric(inputs.target)


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "got None"), ("12", "got '12'"), (True, "got True")],
)
def test_a_bad_number_is_refused_with_its_row(
    tmp_path: Path, value: object, message: str
) -> None:
    volume = _volume(tmp_path)
    data = json.loads((volume / "data.json").read_text())
    data["rows"][2][0] = value
    (volume / "data.json").write_text(json.dumps(data))
    inputs = read_inputs(volume)
    with pytest.raises(InputError, match=f"row 2: 'age' must be a finite number, {message}"):
        inputs.table.numeric(inputs.target)


def test_a_category_outside_the_enumerations_is_refused(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    data = json.loads((volume / "data.json").read_text())
    data["rows"][0][1] = "X"
    (volume / "data.json").write_text(json.dumps(data))
    inputs = read_inputs(volume)
    with pytest.raises(InputError, match=r"row 0: 'sex' is 'X', not one of its enumerations"):
        inputs.table.nominal(inputs.metadata["sex"])


def test_missing_metadata_or_files_are_input_errors(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    job = json.loads((volume / "job.json").read_text())
    del job["metadata"]["site"]
    (volume / "job.json").write_text(json.dumps(job))
    with pytest.raises(InputError, match="variable 'site' has no metadata"):
        read_inputs(volume)
    with pytest.raises(InputError, match=r"job\.json not found"):
        read_inputs(tmp_path / "nowhere")


def test_a_nominal_variable_without_enumerations_is_refused(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    job = json.loads((volume / "job.json").read_text())
    del job["metadata"]["sex"]["enumerations"]
    (volume / "job.json").write_text(json.dumps(job))
    with pytest.raises(InputError, match="'sex' has no enumerations"):
        read_inputs(volume)


def test_a_ragged_row_is_refused(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    (volume / "data.json").write_text(json.dumps({"columns": ["age", "sex", "site"],
                                                  "rows": [[1, "M"]]}))
    with pytest.raises(InputError, match="row 0 has 2 values for 3 columns"):
        read_inputs(volume)


def test_codes_may_come_in_the_requests_form_but_not_as_anything_else(tmp_path: Path) -> None:
    volume = _volume(tmp_path)
    job = json.loads((volume / "job.json").read_text())
    job["covariables"] = [{"code": "sex"}]
    (volume / "job.json").write_text(json.dumps(job))
    assert read_inputs(volume).covariables == ("sex",)
    job["covariables"] = [3]
    (volume / "job.json").write_text(json.dumps(job))
    with pytest.raises(InputError, match="'covariables' holds 3, not a variable code"):
        read_inputs(volume)


AGE = Variable("age", "Age", "real")


def _column(*values: object) -> Table:
    return Table(columns=("age",), rows=tuple((v,) for v in values))


def test_a_clean_numeric_column_reads_ints_and_floats_alike() -> None:
    result = _column(1, 2.5, -3).numeric(AGE)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [1.0, 2.5, -3.0])


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_is_refused_even_where_missing_values_are_allowed(
    value: float,
) -> None:
    for allow_missing in (False, True):
        with pytest.raises(InputError, match="row 1: 'age' must be a finite number"):
            _column(1.0, value, None).numeric(AGE, allow_missing=allow_missing)


def test_a_missing_value_is_nan_only_where_allowed() -> None:
    result = _column(1, None, 3.0).numeric(AGE, allow_missing=True)
    np.testing.assert_array_equal(np.isnan(result), [False, True, False])
    assert result[0] == 1.0 and result[2] == 3.0
    with pytest.raises(InputError, match="row 1: 'age' must be a finite number, got None"):
        _column(1, None, 3.0).numeric(AGE)


def test_a_boolean_among_numbers_is_refused() -> None:
    with pytest.raises(InputError, match="row 2: 'age' must be a finite number, got False"):
        _column(1, 2, False).numeric(AGE, allow_missing=True)
