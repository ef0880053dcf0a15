"""``python3 -m woken.algorithms.knn compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.knn.algorithm import HANDLERS

run(HANDLERS)
