"""hedwig: subgroup discovery by beam search, its rules as 2019 Hedwig's plain text."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from tests.unit.algorithms.volumes import computed, diabetes, iris, write_volume
from woken.algorithms.hedwig.algorithm import HANDLERS, intervals
from woken.algorithms.hedwig.search import Selector, beam_search, wracc

RULE = re.compile(r"^\t(.*) \[cov=(\d+), pos=(\d+), prec=([\d.]+), lift=([\d.]+), "
                  r"wracc=(-?[\d.]+)\]$")


def _classes(text: str) -> dict[str, list[tuple[list[str], int, int, float]]]:
    """Each class's rules: (conditions, covered, positives, wracc)."""
    classes: dict[str, list[tuple[list[str], int, int, float]]] = {}
    current = ""
    for line in text.splitlines():
        if line.endswith("(X) <--"):
            current = line[1:-len("'(X) <--")]
            classes[current] = []
        elif match := RULE.match(line):
            names = re.findall(r"annotated_with\(X, ([^)]*)\)", match.group(1))
            classes[current].append((names, int(match.group(2)), int(match.group(3)),
                                     float(match.group(6))))
    return classes


def test_each_species_gets_rules_whose_counts_are_the_datas(tmp_path: Path) -> None:
    species, features = iris()
    text = computed(HANDLERS, write_volume(tmp_path, algorithm="hedwig", variables=[species],
                                           covariables=features), "text")
    classes = _classes(text)
    assert set(classes) == {"species=setosa", "species=versicolor", "species=virginica"}
    columns = {f.code: f.array for f in features}
    for name, rules in classes.items():
        positive = species.array == name.split("=")[1]
        assert 1 <= len(rules) <= 10
        for names, covered, positives, quality in rules:
            rows = np.ones(150, dtype=bool)
            for condition in names:
                low, code, high = re.fullmatch(r"(?:([-\d.e]+)<=)?(\w+)(?:<([-\d.e]+))?",
                                               condition).groups()
                values = columns[code]
                rows &= (values >= float(low or -math.inf)) & (values < float(high or math.inf))
            assert (covered, positives) == (rows.sum(), positive[rows].sum())
            assert covered >= 15  # the default minimum support, 0.1 of 150 rows
            assert quality == round(wracc(rows, positive), 4) > 0
        qualities = [rule[3] for rule in rules]
        assert qualities == sorted(qualities, reverse=True)
    # Setosa has the shortest petals: its best rule covers setosa only (the lowest
    # quartile of petal length, 37 of its 50).
    names, covered, positives, quality = classes["species=setosa"][0]
    assert covered == positives == 37 and abs(quality - 37 / 150 * (1 - 1 / 3)) < 1e-4


def test_a_numeric_variable_is_mined_by_its_quartiles(tmp_path: Path) -> None:
    target, features = diabetes()
    text = computed(HANDLERS, write_volume(tmp_path, algorithm="hedwig", variables=[target],
                                           covariables=features[:4],
                                           parameters={"depth": "2", "beam": "5"}), "text")
    classes = _classes(text)
    names = [s.name for s in intervals(target.code, target.array)]
    assert len(names) == 4 and set(classes) <= set(names) and classes
    assert "beam=5, support=0.1, depth=2" in text
    assert all(len(rule[0]) <= 2 for rules in classes.values() for rule in rules)


def test_the_best_subgroup_may_be_a_conjunction() -> None:
    # The target is a and b: each alone covers it at half precision, together exactly.
    a = np.array([1, 1, 1, 1, 0, 0, 0, 0] * 3, dtype=bool)
    b = np.array([1, 1, 0, 0, 1, 1, 0, 0] * 3, dtype=bool)
    c = np.array([1, 0, 1, 0, 1, 0, 1, 0] * 3, dtype=bool)
    selectors = [Selector("a", a), Selector("b", b), Selector("c", c)]
    target = a & b
    found = beam_search(selectors, target, beam=10, depth=2, min_covered=1, top=3)
    assert [s.names for s in found] == [("a", "b"), ("a",), ("b",)]
    assert found[0].quality == wracc(a & b, target) == 0.25 * 0.75
    assert found[1].quality == 0.5 * 0.25
    assert beam_search(selectors, target, beam=10, depth=1, min_covered=1, top=1)[0].names \
        == ("a",)


def test_the_minimum_support_bounds_every_subgroup() -> None:
    rows = np.arange(40)
    selectors = [Selector(f"x<{k}", rows < k) for k in (3, 10, 30)]
    target = rows < 5
    found = beam_search(selectors, target, beam=10, depth=2, min_covered=8, top=10)
    # x<3 covers too few; x<10 and x<30 together are x<10 again, ranked after it (longer).
    assert [s.names for s in found] == [("x<10",), ("x<10", "x<30"), ("x<30",)]
    assert all(s.covered >= 8 for s in found)
