"""``python3 -m woken.algorithms.ggparci compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.ggparci.algorithm import HANDLERS

run(HANDLERS)
