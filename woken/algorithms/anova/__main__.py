"""``python3 -m woken.algorithms.anova compute``."""

from woken.algorithms.anova.algorithm import HANDLERS
from woken.algorithms.common.runner import run

run(HANDLERS)
