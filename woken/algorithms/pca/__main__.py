"""``python3 -m woken.algorithms.pca compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.pca.algorithm import HANDLERS

run(HANDLERS)
