"""``python3 -m woken.algorithms.naiveBayes compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.naiveBayes.algorithm import HANDLERS

run(HANDLERS)
