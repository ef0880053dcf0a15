"""``python3 -m algorithms.histograms compute``."""

from algorithms.common.runner import run
from algorithms.histograms.algorithm import HANDLERS

run(HANDLERS)
