"""The finite-state-machine base of every Woken actor.

A subclass declares its states as a ``StrEnum``, its initial and terminal
states, and its handlers with ``@on(State.X, MessageType)``. A handler returns
the next state, or ``None`` to stay. The base:

- logs every transition;
- warns about a message that has no handler in the current state (never drops
  it silently);
- runs a state timeout: ``self.go_to(State.X, timeout_s=…)`` delivers
  ``StateTimeout`` if the actor is still in that state when it expires;
- stops the actor when it reaches a terminal state;
- turns an exception in a handler into ``on_crash(error)`` before pykka stops
  the actor, so that a subclass can tell its parent: nothing hangs;
- sends the actor's outcome exactly once (``report_once``), whichever path
  (result, error, timeout, cancel, crash) gets there first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Any, ClassVar

import pykka

from woken.actors.runtime import PooledActor
from woken.actors.timers import TimerHandle, timers
from woken.errors import WorkInterrupted

log = logging.getLogger(__name__)

_TRIGGERS = "_fsm_triggers"


@dataclass(frozen=True)
class StateTimeout:
    """The actor stayed too long in `state` (the `entry`-th time it entered a state)."""

    state: StrEnum
    entry: int


def on(*states: StrEnum, message: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a method as the handler of `message` in each of `states`."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        triggers = getattr(handler, _TRIGGERS, [])
        triggers.extend((state, message) for state in states)
        setattr(handler, _TRIGGERS, triggers)
        return handler

    return register


def tell_quietly(ref: pykka.ActorRef[Any], message: Any) -> bool:
    """Tell an actor that may have stopped meanwhile; a stopped actor needs no message."""
    try:
        ref.tell(message)
        return True
    except pykka.ActorDeadError:
        log.debug("%s stopped before it got %r", ref, message)
        return False


class FsmActor(PooledActor):
    """Base of Woken's actors: states, handlers by (state, message type), timeouts, crashes."""

    initial_state: ClassVar[StrEnum]
    terminal_states: ClassVar[frozenset[StrEnum]]
    _handlers: ClassVar[dict[tuple[StrEnum, type], str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[tuple[StrEnum, type], str] = {}
        for klass in reversed(cls.__mro__):
            for name, member in vars(klass).items():
                for trigger in getattr(member, _TRIGGERS, ()):
                    handlers[trigger] = name
        cls._handlers = handlers

    def __init__(self) -> None:
        super().__init__()
        self.state: StrEnum = self.initial_state
        self._state_entries = 0
        self._state_timer: TimerHandle | None = None
        self._scheduled: set[TimerHandle] = set()
        self._reported = False

    @property
    def name(self) -> str:
        return f"{type(self).__name__}({self.actor_urn[9:17]})"

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, StateTimeout) and (
            message.state != self.state or message.entry != self._state_entries
        ):
            return None  # a timer of a state we have left
        if self.state in self.terminal_states:
            # Already stopping: a late poll or answer has nothing left to change.
            log.debug("%s in terminal state %s ignores %r", self.name, self.state, message)
            return None
        handler = self._handlers.get((self.state, type(message)))
        if handler is None:
            log.warning("%s in state %s got unexpected %r", self.name, self.state, message)
            return None
        next_state = getattr(self, handler)(message)
        if next_state is not None:
            self.go_to(next_state)
        return None

    def go_to(self, state: StrEnum, *, timeout_s: float | None = None) -> None:
        """Enter `state` (even the current one: that restarts its timeout)."""
        if state != self.state:
            log.debug("%s: %s -> %s", self.name, self.state, state)
        self.state = state
        self._state_entries += 1
        if self._state_timer is not None:
            self._state_timer.cancel()
            self._state_timer = None
        if timeout_s is not None:
            timeout = StateTimeout(state, self._state_entries)
            self._state_timer = timers.call_later(
                timeout_s, lambda: self._deliver(timeout)
            )
        if state in self.terminal_states:
            self.stop()

    def tell_self_later(self, delay_s: float, message: Any) -> None:
        """Deliver `message` to this actor after `delay_s` (polling, retries)."""
        handle: TimerHandle | None = None

        def deliver() -> None:
            if handle is not None:
                self._scheduled.discard(handle)
            self._deliver(message)

        handle = timers.call_later(delay_s, deliver)
        self._scheduled.add(handle)

    def _deliver(self, message: Any) -> None:
        tell_quietly(self.actor_ref, message)

    def on_stop(self) -> None:
        self._cancel_timers()

    def on_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._cancel_timers()
        if isinstance(exception_value, WorkInterrupted):
            # Not a fault of this actor's: another instance adopted its work (fencing).
            log.warning("%s stops in state %s: %s", self.name, self.state, exception_value)
        else:
            # The traceback in the log; the user is told the cause without hosts or paths.
            log.error("%s crashed in state %s: %r", self.name, self.state, exception_value,
                      exc_info=(exception_type, exception_value, traceback)
                      if exception_type and exception_value else None)
        try:
            self.on_crash(exception_value or RuntimeError("unknown failure"))
        except Exception:
            log.exception("%s: on_crash failed", self.name)

    def on_crash(self, error: BaseException) -> None:
        """Called once when a handler raised; report the failure to whoever waits."""

    def report_once(self, send: Callable[[], object]) -> bool:
        """Send the actor's outcome (tell the parent, call the reply) the first time only.

        Later calls do nothing and return False: a timeout, a cancel and a crash may
        all race to report, and whoever waits must hear exactly one of them. A
        failing `send` (a reply callback that raises) is logged, never raised.
        """
        if self._reported:
            return False
        self._reported = True
        try:
            send()
        except Exception:
            log.exception("%s: sending its outcome failed", self.name)
        return True

    def _cancel_timers(self) -> None:
        if self._state_timer is not None:
            self._state_timer.cancel()
        for handle in list(self._scheduled):
            handle.cancel()
        self._scheduled.clear()
