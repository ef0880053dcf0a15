"""``python3 -m woken.algorithms.federatedStep compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.federatedStep.algorithm import HANDLERS

run(HANDLERS)
