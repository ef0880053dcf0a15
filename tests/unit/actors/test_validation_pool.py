"""ValidationPool: scorers that answer every request, with a score or the reason there is none."""

from __future__ import annotations

import logging

import pykka
import pytest

from tests.support.waiting import wait_until
from tests.unit.actors.support import Inbox
from woken.actors.messages import CrossValidationScored, ScoreCrossValidation
from woken.actors.validation_pool import ScorerActor, ValidationPool
from woken.errors import ConfigurationError


def request(inbox: Inbox, predictions: list[list[float]]) -> ScoreCrossValidation:
    return ScoreCrossValidation("regression", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], predictions,
                                None, inbox.ref)


def test_a_request_is_answered_with_its_score(inbox: Inbox) -> None:
    pool = ValidationPool(2)
    pool.score(request(inbox, [[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]]))

    answer = inbox.only()
    assert isinstance(answer, CrossValidationScored) and answer.error is None
    assert answer.score is not None and answer.score["type"] == "KFoldCrossValidationScore"
    assert answer.score["folds"]["0"]["MSE"] == 0.0


def test_a_scoring_failure_is_answered_with_its_reason(inbox: Inbox) -> None:
    ValidationPool(1).score(request(inbox, [[1.0, 2.0, 3.0]]))

    answer = inbox.only()
    assert answer.score is None
    assert answer.error == "scoring failed: 2 folds of truth but 1 folds of predictions"


def test_a_scorer_that_died_is_replaced(inbox: Inbox, caplog: pytest.LogCaptureFixture) -> None:
    pool = ValidationPool(1)
    for scorer in pykka.ActorRegistry.get_by_class(ScorerActor):
        scorer.stop()
    with caplog.at_level(logging.WARNING, logger="woken.actors.validation_pool"):
        pool.score(request(inbox, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        assert inbox.only().error is None
    assert any("had stopped: starting a new one" in r.getMessage() for r in caplog.records)


def test_an_unexpected_message_is_warned_about_and_unanswered(
    inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    ValidationPool(1)
    [scorer] = pykka.ActorRegistry.get_by_class(ScorerActor)
    with caplog.at_level(logging.WARNING, logger="woken.actors.validation_pool"):
        scorer.ask("hello", timeout=5)
    assert any("unexpected 'hello'" in r.getMessage() for r in caplog.records)
    inbox.assert_quiet()


def test_an_empty_pool_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="at least one scorer"):
        ValidationPool(0)


def test_stop_stops_every_scorer() -> None:
    pool = ValidationPool(3)
    assert len(pykka.ActorRegistry.get_by_class(ScorerActor)) == 3
    pool.stop()
    wait_until(lambda: not pykka.ActorRegistry.get_by_class(ScorerActor))
