"""``python3 -m woken.algorithms.sgdNeuralNetwork compute|train|test``."""

from woken.algorithms.common.runner import run
from woken.algorithms.sgdNeuralNetwork.algorithm import HANDLERS

run(HANDLERS)
