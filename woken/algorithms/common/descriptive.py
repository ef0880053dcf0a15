"""The one command of a descriptive algorithm: read the job, analyse it, write one result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler


def descriptive_handlers(shape: Shape, analyse: Callable[[JobInputs], Any]) -> dict[str, Handler]:
    """``compute`` only: a description is not a model, there is nothing to train or test."""

    def compute(volume: Path) -> Result:
        return Result(shape, analyse(read_inputs(volume)))

    return {"compute": compute}
