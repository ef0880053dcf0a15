"""``python3 -m woken.algorithms.hedwig compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.hedwig.algorithm import HANDLERS

run(HANDLERS)
