"""``python3 -m woken.algorithms.linearRegression compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.linearRegression.algorithm import HANDLERS

run(HANDLERS)
