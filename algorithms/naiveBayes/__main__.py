"""``python3 -m algorithms.naiveBayes compute|train|test``."""

from algorithms.common.runner import run
from algorithms.naiveBayes.algorithm import HANDLERS

run(HANDLERS)
