"""ValidationPool: scorer actors, started with the service, that turn predictions into scores.

A scorer is stateless (it has no FSM): it gets `ScoreCrossValidation`, computes
the k-fold score with `woken.validation.scores`, and tells the asker
`CrossValidationScored`, with the error if scoring failed. The pool hands
requests to its scorers in turn and replaces a scorer that died. An empty pool
is refused at start-up (the original crashed on its first request instead).
"""

from __future__ import annotations

import itertools
import logging
import threading
from typing import Any

import pykka

from woken.actors.fsm import tell_quietly
from woken.actors.messages import CrossValidationScored, ScoreCrossValidation
from woken.errors import ConfigurationError
from woken.validation.scores import kfold_score

log = logging.getLogger(__name__)


class ScorerActor(pykka.ThreadingActor):
    """A stateless actor that scores one cross-validation per message."""

    def on_receive(self, message: Any) -> None:
        if not isinstance(message, ScoreCrossValidation):
            log.warning("scorer got unexpected %r", message)
            return
        try:
            score = kfold_score(
                message.truths, message.predictions, message.problem, message.labels
            )
            answer = CrossValidationScored(score)
        except Exception as error:
            log.warning("scoring failed: %r", error)
            answer = CrossValidationScored(None, f"scoring failed: {error}")
        tell_quietly(message.reply_to, answer)


class ValidationPool:
    """The scorers, handed requests in turn; a scorer that died is replaced."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ConfigurationError("the validation pool needs at least one scorer")
        self._lock = threading.Lock()
        self._scorers = [ScorerActor.start() for _ in range(size)]
        self._turn = itertools.cycle(range(size))

    def score(self, request: ScoreCrossValidation) -> None:
        with self._lock:
            slot = next(self._turn)
            if not self._scorers[slot].is_alive():
                log.warning("scorer %d had stopped: starting a new one", slot)
                self._scorers[slot] = ScorerActor.start()
            scorer = self._scorers[slot]
        scorer.tell(request)

    def stop(self) -> None:
        for scorer in self._scorers:
            if scorer.is_alive():
                scorer.stop(block=False)
