"""``python3 -m woken.algorithms.heatmaply compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.heatmaply.algorithm import HANDLERS

run(HANDLERS)
