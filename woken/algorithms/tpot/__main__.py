"""``python3 -m woken.algorithms.tpot compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.tpot.algorithm import HANDLERS

run(HANDLERS)
