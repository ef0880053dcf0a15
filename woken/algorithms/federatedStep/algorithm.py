"""One local step of a federated algorithm, on this site's rows: sums in, never rows out.

``job.json``'s parameters: ``step`` (a name of
:data:`~woken.algorithms.federatedStep.steps.LOCAL_STEPS`), ``params`` (the step's
parameters as the central sent them, a JSON object), ``min_cell_count`` (the site's
threshold under which a count leaves masked) and ``extremes`` (``coarse``: a min or max
leaves rounded outward; ``exact``). The result is
``{"rows": n, "aggregates": {...}, "pid": ...}``: how many rows the sums summarise,
the sums, and the job's own process id (the site reports which job computed them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler
from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.steps import LOCAL_STEPS
from woken.algorithms.federatedStep.sums import Policy


def compute(volume: Path) -> Result:
    inputs = read_inputs(volume)
    step = inputs.str_param("step")
    if step not in LOCAL_STEPS:
        raise InputError(f"unknown federated step {step!r}")
    try:
        params: Any = json.loads(inputs.str_param("params"))
    except ValueError as error:
        raise InputError(f"parameter 'params' is not JSON: {error}") from None
    if not isinstance(params, dict):
        raise InputError("parameter 'params' must be a JSON object")
    data = LocalData.from_table(
        {v.code: v for v in inputs.all_variables}, inputs.table)
    policy = Policy(inputs.int_param("min_cell_count"),
                    exact_extremes=inputs.str_param("extremes") == "exact")
    try:
        aggregates = LOCAL_STEPS[step](data, params, policy)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        # Only a central's malformed step gets here (a missing or misshapen parameter).
        raise InputError(f"step {step}: malformed parameters ({type(error).__name__})"
                         ) from None
    return Result(Shape.JSON, {"rows": data.n, "aggregates": aggregates, "pid": os.getpid()})


HANDLERS: dict[str, Handler] = {"compute": compute}
