"""``python3 -m algorithms.knn compute|train|test``."""

from algorithms.common.runner import run
from algorithms.knn.algorithm import HANDLERS

run(HANDLERS)
