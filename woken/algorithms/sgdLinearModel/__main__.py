"""``python3 -m woken.algorithms.sgdLinearModel compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.sgdLinearModel.algorithm import HANDLERS

run(HANDLERS)
