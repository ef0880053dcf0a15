"""``python3 -m woken.algorithms.correlationHeatmap compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.correlationHeatmap.algorithm import HANDLERS

run(HANDLERS)
