"""The FSM base: handler table, transitions, unexpected messages, timeouts, crashes."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import StrEnum

import pykka
import pytest

from woken.actors.fsm import FsmActor, StateTimeout, on

WAIT_S = 5


class Light(StrEnum):
    OFF = "off"
    ON = "on"
    BROKEN = "broken"
    GONE = "gone"


@dataclass(frozen=True)
class Switch:
    timeout_s: float | None = None


@dataclass(frozen=True)
class Explode:
    pass


@dataclass(frozen=True)
class Remove:
    pass


class Lamp(FsmActor):
    initial_state = Light.OFF
    terminal_states = frozenset({Light.GONE})

    def __init__(self, events: list[str], done: threading.Event) -> None:
        super().__init__()
        self.events = events
        self.done = done

    @on(Light.OFF, message=Switch)
    def switch_on(self, message: Switch) -> None:
        self.events.append("on")
        self.go_to(Light.ON, timeout_s=message.timeout_s)

    @on(Light.ON, message=Switch)
    def switch_off(self, _: Switch) -> Light:
        self.events.append("off")
        return Light.OFF

    @on(Light.ON, message=StateTimeout)
    def burn_out(self, timeout: StateTimeout) -> Light:
        self.events.append(f"timeout in {timeout.state}")
        self.done.set()
        return Light.BROKEN

    @on(Light.OFF, Light.ON, Light.BROKEN, message=Explode)
    def explode(self, _: Explode) -> None:
        raise RuntimeError("bang")

    @on(Light.OFF, Light.ON, Light.BROKEN, message=Remove)
    def remove(self, _: Remove) -> Light:
        return Light.GONE

    def on_crash(self, error: BaseException) -> None:
        self.events.append(f"crash: {error}")
        self.done.set()

    def on_stop(self) -> None:
        super().on_stop()
        self.events.append("stopped")
        self.done.set()


@pytest.fixture
def lamp():
    events: list[str] = []
    done = threading.Event()
    ref = Lamp.start(events, done)
    yield ref, events, done
    if ref.is_alive():
        ref.stop()


def state_of(ref: pykka.ActorRef) -> Light:
    return ref.proxy().state.get(timeout=WAIT_S)


def test_handlers_follow_the_table(lamp) -> None:
    ref, events, _ = lamp
    ref.tell(Switch())
    ref.tell(Switch())
    assert state_of(ref) is Light.OFF
    assert events == ["on", "off"]


def test_unexpected_message_is_warned_about_not_dropped_silently(lamp, caplog) -> None:
    ref, _events, _ = lamp
    with caplog.at_level(logging.WARNING, logger="woken.actors.fsm"):
        ref.tell("hello")
        assert state_of(ref) is Light.OFF
    assert any("unexpected 'hello'" in r.getMessage() for r in caplog.records)


def test_state_timeout_fires_in_its_state(lamp) -> None:
    ref, events, done = lamp
    ref.tell(Switch(timeout_s=0.05))
    assert done.wait(WAIT_S)
    assert state_of(ref) is Light.BROKEN
    assert events == ["on", "timeout in on"]


def test_timeout_of_a_state_left_is_ignored(lamp) -> None:
    ref, events, done = lamp
    ref.tell(Switch(timeout_s=0.1))
    ref.tell(Switch())  # leaves ON before the timeout
    assert not done.wait(0.4)
    assert state_of(ref) is Light.OFF
    assert events == ["on", "off"]


def test_terminal_state_stops_the_actor(lamp) -> None:
    ref, events, done = lamp
    ref.tell(Remove())
    assert done.wait(WAIT_S)
    ref.actor_stopped.wait(WAIT_S)
    assert not ref.is_alive()
    assert events[-1] == "stopped"


def test_a_crash_reaches_on_crash(lamp) -> None:
    ref, events, done = lamp
    ref.tell(Explode())
    assert done.wait(WAIT_S)
    ref.actor_stopped.wait(WAIT_S)
    assert "crash: bang" in events
    assert not ref.is_alive()
