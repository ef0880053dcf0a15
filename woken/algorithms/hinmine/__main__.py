"""``python3 -m woken.algorithms.hinmine compute``."""

from woken.algorithms.common.runner import run
from woken.algorithms.hinmine.algorithm import HANDLERS

run(HANDLERS)
