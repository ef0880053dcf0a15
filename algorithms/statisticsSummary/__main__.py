"""``python3 -m algorithms.statisticsSummary compute``."""

from algorithms.common.runner import run
from algorithms.statisticsSummary.algorithm import HANDLERS

run(HANDLERS)
