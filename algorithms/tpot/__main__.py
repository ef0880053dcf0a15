"""``python3 -m algorithms.tpot compute|train|test``."""

from algorithms.common.runner import run
from algorithms.tpot.algorithm import HANDLERS

run(HANDLERS)
