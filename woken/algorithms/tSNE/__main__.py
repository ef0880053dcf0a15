"""``python3 -m woken.algorithms.tSNE compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.tSNE.algorithm import HANDLERS

run(HANDLERS)
