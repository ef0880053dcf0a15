"""``python3 -m woken.algorithms.kmeans compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.kmeans.algorithm import HANDLERS

run(HANDLERS)
