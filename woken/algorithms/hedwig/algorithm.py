"""Subgroup discovery: for each class of the variable, the rules whose rows have it more often.

A numeric covariable gives one condition per quartile interval (``low<=x<high``), a
nominal one a condition per category (``x=c``); a numeric variable is cut into its
quartile intervals too, each a class. For every class, `search.beam_search` finds the
best conjunctions by weighted relative accuracy, with the job's ``beam``, ``depth`` and
minimum relative ``support``. The answer is plain text in the form of 2019's Hedwig:
a class, then each rule's conditions with its coverage (rows covered), positives (of the
class), precision, lift and WRAcc. Rules that do no better than the whole data are left
out.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler
from woken.algorithms.common.variables import Variable
from woken.algorithms.hedwig.search import Selector, Subgroup, beam_search

QUANTILES = (0.25, 0.5, 0.75)
RULES_PER_CLASS = 10


def _number(value: float) -> str:
    return f"{value:.6g}"


def intervals(name: str, values: npt.NDArray[np.float64]) -> list[Selector]:
    """One selector per interval between the quartiles (merged where they coincide)."""
    cuts = sorted({float(c) for c in np.quantile(values, QUANTILES)})
    bounds = [-math.inf, *cuts, math.inf]
    selectors = []
    for low, high in itertools.pairwise(bounds):
        rows = (values >= low) & (values < high)
        if not rows.any():
            continue
        left = "" if low == -math.inf else f"{_number(low)}<="
        right = "" if high == math.inf else f"<{_number(high)}"
        selectors.append(Selector(f"{left}{name}{right}", rows))
    return selectors


def conditions(inputs: JobInputs, variable: Variable) -> list[Selector]:
    """A variable's conditions: its categories, or its quartile intervals."""
    if variable.is_nominal:
        codes = np.array(inputs.table.nominal(variable))
        return [Selector(f"{variable.code}={code}", codes == code)
                for code in variable.categories if (codes == code).any()]
    return intervals(variable.code, inputs.table.numeric(variable))


def _rule(subgroup: Subgroup, base_rate: float) -> str:
    precision = subgroup.positives / subgroup.covered
    lift = precision / base_rate if base_rate else 0.0
    body = ", ".join(f"annotated_with(X, {name})" for name in subgroup.names)
    return (f"\t{body} [cov={subgroup.covered}, pos={subgroup.positives}, "
            f"prec={precision:.3f}, lift={lift:.3f}, wracc={subgroup.quality:.4f}]")


def rules(inputs: JobInputs) -> str:
    n = len(inputs.table)
    if n == 0:
        raise InputError(f"{inputs.table.source} has no rows to mine")
    beam, depth = inputs.int_param("beam"), inputs.int_param("depth")
    support = inputs.float_param("support")
    selectors = [s for v in inputs.features for s in conditions(inputs, v)]
    lines = ["Subgroup discovery (beam search, weighted relative accuracy)",
             f"Parameters: beam={beam}, support={support:g}, depth={depth}, rows={n}",
             "-" * 40]
    for target in conditions(inputs, inputs.target):
        found = beam_search(selectors, target.rows, beam=beam, depth=depth,
                            min_covered=math.ceil(support * n), top=RULES_PER_CLASS)
        kept = [s for s in found if s.quality > 0]
        if not kept:
            continue
        base_rate = float(target.rows.mean())
        lines.append(f"'{target.name}'(X) <--")
        lines.extend(_rule(s, base_rate) for s in kept)
    return "\n".join(lines) + "\n"


def compute(volume: Path) -> Result:
    return Result(Shape.TEXT, rules(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
