"""``python3 -m algorithms.linearRegression compute|train|test``."""

from algorithms.common.runner import run
from algorithms.linearRegression.algorithm import HANDLERS

run(HANDLERS)
