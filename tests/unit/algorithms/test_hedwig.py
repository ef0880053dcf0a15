"""hedwig: per class of the variable, the subgroups pysubgroup's beam search finds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pysubgroup as ps

from tests.unit.algorithms.volumes import computed, diabetes, iris, write_volume
from woken.algorithms.hedwig.algorithm import HANDLERS


def test_each_species_gets_the_rules_pysubgroup_finds(tmp_path: Path) -> None:
    species, features = iris()
    text = computed(HANDLERS, write_volume(tmp_path, algorithm="hedwig", variables=[species],
                                           covariables=features), "text")
    data = pd.DataFrame({f.code: f.array for f in features})
    data["target"] = species.array == "setosa"
    task = ps.SubgroupDiscoveryTask(
        data, ps.BinaryTarget("target", True),
        ps.create_selectors(data, nbins=3, ignore=["target"]), result_set_size=10, depth=2,
        qf=ps.WRAccQF(), constraints=[ps.MinSupportConstraint(15)])
    best = ps.BeamSearch(beam_width=10).execute(task).to_dataframe().iloc[0]
    blocks = text.split("\n\n")
    assert blocks[1].startswith("'setosa'(X) <--")
    assert f"\t{best['subgroup']} [cov={int(best['size_sg'])}," in blocks[1].splitlines()[1]
    assert "'versicolor'(X) <--" in text and "'virginica'(X) <--" in text


def test_a_numeric_variable_is_cut_into_three_ranges(tmp_path: Path) -> None:
    target, features = diabetes()
    text = computed(HANDLERS, write_volume(tmp_path, algorithm="hedwig", variables=[target],
                                           covariables=features[:3]), "text")
    assert text.count("<=progression<") == 3
