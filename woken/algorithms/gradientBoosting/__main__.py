"""``python3 -m woken.algorithms.gradientBoosting compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.gradientBoosting.algorithm import HANDLERS

run(HANDLERS)
