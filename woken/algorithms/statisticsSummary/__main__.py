"""``python3 -m woken.algorithms.statisticsSummary compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.statisticsSummary.algorithm import HANDLERS

run(HANDLERS)
