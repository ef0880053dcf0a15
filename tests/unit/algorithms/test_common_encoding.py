"""The design matrix: numeric columns as floats, nominal ones one-hot from the enumerations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.volumes import nominal, real, write_volume
from woken.algorithms.common.encoding import (
    ColumnEncoder,
    FeatureEncoder,
    encode_target,
    problem_type,
)
from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import read_inputs
from woken.algorithms.common.table import Table


def _inputs(tmp_path: Path):
    volume = write_volume(
        tmp_path,
        algorithm="knn",
        variables=[nominal("dx", ["AD", "CN", "AD"], categories=["AD", "CN", "MCI"])],
        covariables=[real("age", [70, 65, 80]),
                     nominal("sex", ["M", "F", "M"], categories=["F", "M", "U"])],
    )
    return read_inputs(volume)


def test_one_hot_columns_follow_the_enumerations_not_the_rows(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    encoder = FeatureEncoder(inputs.features)
    assert encoder.feature_names == ["age", "sex=F", "sex=M", "sex=U"]
    np.testing.assert_array_equal(
        encoder.encode(inputs.table),
        [[70, 0, 1, 0], [65, 1, 0, 0], [80, 0, 1, 0]],
    )


def test_train_and_test_rows_encode_to_the_same_columns(tmp_path: Path) -> None:
    encoder = FeatureEncoder(_inputs(tmp_path).features)
    only_unknown = Table(columns=("sex", "age"), rows=(("U", 1.0),), source="test.json")
    assert encoder.encode(only_unknown).tolist() == [[1.0, 0.0, 0.0, 1.0]]


def test_drop_first_codes_against_the_reference_category(tmp_path: Path) -> None:
    encoder = FeatureEncoder(_inputs(tmp_path).features, drop_first=True)
    assert encoder.feature_names == ["age", "sex=M", "sex=U"]
    rows = Table(columns=("age", "sex"), rows=((1.0, "F"), (2.0, "U")))
    assert encoder.encode(rows).tolist() == [[1.0, 0.0, 0.0], [2.0, 0.0, 1.0]]


def test_the_target_is_labels_or_floats_by_its_type(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    labels = encode_target(inputs.target, inputs.table)
    assert labels.tolist() == ["AD", "CN", "AD"]
    assert problem_type(inputs.target) == "classification"
    age = inputs.metadata["age"]
    assert encode_target(age, inputs.table).dtype == np.float64
    assert problem_type(age) == "regression"


def test_a_model_without_features_is_refused() -> None:
    with pytest.raises(InputError, match="at least one covariable"):
        FeatureEncoder(())


def test_the_column_encoder_keeps_gaps_for_a_pipeline_that_prepares_them(tmp_path: Path) -> None:
    encoder = ColumnEncoder(_inputs(tmp_path).features)
    table = Table(columns=("age", "sex"), rows=((70.0, "M"), (None, "U"), (65, None)),
                  source="data.json")
    assert encoder.feature_names == ["age", "sex"]
    assert encoder.nominal_columns == {1: ("F", "M", "U")}
    np.testing.assert_array_equal(encoder.encode(table),
                                  [[70, 1], [np.nan, 2], [65, np.nan]])
    # A gap is not a licence for a wrong value: outside the enumerations is still an error.
    with pytest.raises(InputError, match="'sex' is 'X', not one of its enumerations"):
        encoder.encode(Table(columns=("age", "sex"), rows=((1.0, "X"),), source="test.json"))
    # The one-hot encoder still refuses a gap.
    with pytest.raises(InputError, match="'age' must be a finite number, got None"):
        FeatureEncoder(_inputs(tmp_path).features).encode(table)
