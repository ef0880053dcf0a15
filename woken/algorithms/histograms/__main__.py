"""``python3 -m woken.algorithms.histograms compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.histograms.algorithm import HANDLERS

run(HANDLERS)
