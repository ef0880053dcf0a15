"""hedwig's beam search against pysubgroup's exhaustive search, on iris's quartile conditions.

pysubgroup 0.9.0 needs numpy < 2: it runs in its own virtualenv
(scripts/pysubgroup_venv.sh, built on first use). With a beam as wide as every level's
candidates, the beam search is exhaustive, so both must find the same best subgroups
with the same weighted relative accuracy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support.side_venv import run_json, venv_python
from tests.unit.algorithms.volumes import iris
from woken.algorithms.hedwig.algorithm import intervals
from woken.algorithms.hedwig.search import beam_search

HELPER = Path(__file__).resolve().parents[2] / "support" / "pysubgroup_search.py"
TOP = 15


@pytest.mark.parametrize(("species", "depth", "min_covered"),
                         [("versicolor", 2, 1), ("virginica", 3, 15)])
def test_the_beam_search_finds_pysubgroups_best_subgroups(species: str, depth: int,
                                                          min_covered: int) -> None:
    target_column, features = iris()
    selectors = [s for f in features for s in intervals(f.meta["code"], f.array)]
    target = np.asarray(target_column.array) == species
    ours = beam_search(selectors, target, beam=10_000, depth=depth, min_covered=min_covered,
                       top=TOP)
    theirs = run_json(venv_python("pysubgroup_venv.sh", ".venv-pysubgroup"), HELPER,
                      {"columns": {s.name: s.rows.tolist() for s in selectors},
                       "target": target.tolist(), "depth": depth,
                       "min_covered": min_covered, "top": TOP}, "pysubgroup failed")
    assert len(ours) == len(theirs) == TOP
    np.testing.assert_allclose([s.quality for s in ours],
                               sorted((t["quality"] for t in theirs), reverse=True), atol=1e-12)
    # Ties at the cut-off may be either's pick: the subgroups strictly above it are the same.
    cutoff = ours[-1].quality + 1e-12
    assert ({tuple(sorted(s.names)) for s in ours if s.quality > cutoff}
            == {tuple(t["names"]) for t in theirs if t["quality"] > cutoff})
    assert ours[0].quality > 0.1
