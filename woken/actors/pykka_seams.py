"""The one place Woken reaches below pykka's public API, and why.

`PooledActor` (:mod:`woken.actors.runtime`) runs pykka actors on a shared pool of
threads. What it uses of pykka, by kind:

- **Public**: ``pykka.Actor``, ``ActorRegistry``, ``ThreadingFuture``,
  ``ActorDeadError``, ``actor_stopped``, the ``on_start``/``on_stop``/``on_failure``
  hooks, a future's ``set``/``set_exception``.
- **Seams pykka documents for "implementors of new actor types"** (their docstrings
  say so; ``ThreadingActor`` in ``pykka/_threading.py`` overrides the same three):
  ``_create_actor_inbox``, ``_create_future``, ``_start_actor_loop``, and the inbox
  protocol (``put``, ``get``, ``empty``). `PooledActor` overrides them in place.
- **No seam** (here, nowhere else): pykka runs an actor's life as one call,
  ``Actor._actor_loop`` = set-up (``on_start``), a loop blocked on ``inbox.get()``
  until the stop, tear-down (answering what is left in the inbox), on a thread the
  actor owns. A pooled actor needs the three pieces apart, one message at a time on
  a borrowed thread, and pykka offers no public way to run them. So :func:`set_up`
  and :func:`tear_down` call pykka's own pieces, and :func:`handle` does for one
  message what pykka's loop does for each (its ``_handle_receive``,
  ``_handle_failure``, ``_stop``). pykka's message wrapper (``pykka._envelope``,
  "not part of the public API") is not imported: :class:`Envelope` names the two
  attributes read.

Checked against pykka 4.0.0, 4.1.0 and 4.5.0 (``setup.cfg`` allows ``>=4.0,<5``):
every name used exists with the same meaning in each; ``tests/unit/actors/
test_pykka_seams.py`` fails on an installed pykka that lacks one.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

import pykka

# What a pykka 4 actor must have for a pooled actor to run it (see the docstring).
PRIVATE_NAMES = ("_actor_loop_setup", "_actor_loop_teardown", "_handle_receive",
                 "_handle_failure", "_stop")
IMPLEMENTOR_SEAMS = ("_create_actor_inbox", "_create_future", "_start_actor_loop")


class Envelope(Protocol):
    """A message in an actor's inbox, as pykka wraps it: the message, and where to answer."""

    message: Any
    reply_to: pykka.Future[Any] | None


def set_up(actor: pykka.Actor) -> None:
    """Before the first message: ``on_start``, a failure in it handled as pykka does."""
    actor._actor_loop_setup()


def tear_down(actor: pykka.Actor) -> None:
    """After the stop: what is left in the inbox answered as pykka does (ActorDeadError)."""
    actor._actor_loop_teardown()


def handle(actor: pykka.Actor, envelope: Envelope) -> None:
    """One message, exactly as pykka's thread loop handles it."""
    try:
        response = actor._handle_receive(envelope.message)
        if envelope.reply_to is not None:
            envelope.reply_to.set(response)
    except Exception:
        if envelope.reply_to is not None:
            envelope.reply_to.set_exception()
        else:
            actor._handle_failure(*sys.exc_info())
            try:
                actor.on_failure(*sys.exc_info())
            except Exception:
                actor._handle_failure(*sys.exc_info())
    except BaseException:
        actor._stop()
        pykka.ActorRegistry.stop_all()
