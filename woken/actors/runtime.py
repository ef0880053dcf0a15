"""Actors that share a bounded pool of threads instead of owning one each.

A pykka `ThreadingActor` holds a thread for its whole life, and nearly all of
Woken's actors spend their life waiting (for a job, a child, the scorer): 70
threads per running experiment, 7,005 with 100 in flight. A `PooledActor` has
the same pykka semantics (one message at a time, in order; `tell`, `ask`,
`stop`, the registry, `on_start`/`on_stop`/`on_failure`) but owns no thread:
a message put into its inbox schedules the actor on a shared pool of
`POOL_THREADS` threads, which handles what is in the inbox and lets go. Threads
no longer grow with the number of actors.

Handlers must not block on another actor (the design's rule already: a parent
never waits on a child's future); a handler that blocks on I/O holds one pool
thread for that time.

pykka offers the inbox, the future and the start of the loop as seams for new
actor types, overridden here; running the loop's pieces apart has no seam, and
goes through :mod:`woken.actors.pykka_seams`, which says why and which pykka
versions it was checked against.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pykka
from pykka import ActorDeadError, ThreadingFuture

from woken.actors.pykka_seams import Envelope, handle, set_up, tear_down

# Enough for handlers that wait on woken-db or a backend's HTTP call now and then;
# the work itself is short (a handler tells, writes a row, submits a job).
POOL_THREADS = 32
# Messages one actor handles before it yields its thread to the others.
BATCH = 32

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(POOL_THREADS, thread_name_prefix="woken-actor")
        return _pool


class _PooledInbox(queue.Queue[Envelope]):
    """An actor's inbox that schedules its actor on the pool when a message arrives."""

    def __init__(self, actor: PooledActor) -> None:
        super().__init__()
        self._actor = actor

    def put(self, item: Envelope, block: bool = True, timeout: float | None = None) -> None:
        super().put(item, block, timeout)
        self._actor._schedule()


class PooledActor(pykka.Actor):
    """A pykka actor run by the shared pool (see the module's docstring)."""

    # pykka declares it static; ours needs the actor, which it schedules.
    def _create_actor_inbox(self) -> Any:  # type: ignore[override]
        self._pool_lock = threading.Lock()
        # Queued or running on the pool: never twice at once, so messages stay in order.
        self._pool_scheduled = False
        self._pool_set_up = False
        self._pool_torn_down = False
        self._inbox = _PooledInbox(self)
        return self._inbox

    @staticmethod
    def _create_future() -> pykka.Future[Any]:
        return ThreadingFuture()

    def _start_actor_loop(self) -> None:
        self._schedule(force=True)

    def _schedule(self, force: bool = False) -> None:
        with self._pool_lock:
            if self._pool_scheduled:
                return
            if not force and self._inbox.empty() and self._pool_set_up:
                return
            self._pool_scheduled = True
        _executor().submit(self._run)

    def _run(self) -> None:
        """Handle up to BATCH messages on a pool thread, then let the thread go."""
        try:
            if not self._pool_set_up:
                self._pool_set_up = True
                set_up(self)
            for _ in range(BATCH):
                if self.actor_stopped.is_set():
                    break
                try:
                    envelope = self._inbox.get_nowait()
                except queue.Empty:
                    break
                handle(self, envelope)
            if self.actor_stopped.is_set() and not self._pool_torn_down:
                self._pool_torn_down = True
                tear_down(self)
        finally:
            with self._pool_lock:
                self._pool_scheduled = False
                again = not self._inbox.empty()
            if again:
                if self.actor_stopped.is_set():
                    self._answer_the_dead()
                else:
                    self._schedule()

    def _answer_the_dead(self) -> None:
        """Messages that came after the stop: an `ask` gets ActorDeadError, as with pykka."""
        while True:
            try:
                envelope = self._inbox.get_nowait()
            except queue.Empty:
                return
            if envelope.reply_to is not None:
                error = ActorDeadError(f"{self.actor_ref} stopped before handling the message")
                envelope.reply_to.set_exception(exc_info=(ActorDeadError, error, None))
