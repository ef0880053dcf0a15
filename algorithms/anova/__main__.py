"""``python3 -m algorithms.anova compute``."""

from algorithms.anova.algorithm import HANDLERS
from algorithms.common.runner import run

run(HANDLERS)
