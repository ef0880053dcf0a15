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
import time
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
_pools_started = 0  # names each pool's threads apart: woken-actor-<n>_<i>


def _submit(work: Any) -> None:
    """Run ``work`` on the pool, started (again) if needed."""
    global _pool, _pools_started
    # Under the lock: `release_threads` may not shut a pool down between the two steps.
    with _pool_lock:
        if _pool is None:
            _pools_started += 1
            _pool = ThreadPoolExecutor(POOL_THREADS,
                                       thread_name_prefix=f"woken-actor-{_pools_started}")
        _pool.submit(work)


def release_threads(timeout_s: float) -> bool:
    """End the pool's threads once their work is done; the next message starts a new pool.

    After a burst the pool keeps every thread it started (32), and what they hold keeps
    memory freed around it from going back to the system (`woken.system.memory` calls
    this when Woken is idle). `make benchmark`, P4: RSS after 1,000 experiments 1.32x
    idle with the threads kept, 1.24x with them ended (43 threads after, 11).
    Waits up to ``timeout_s`` for them to end; False if some had not.
    """
    global _pool
    with _pool_lock:
        pool, _pool, name = _pool, None, f"woken-actor-{_pools_started}_"
    if pool is None:
        return True
    pool.shutdown(wait=False)
    # Its threads, by their names (a pool started after this has other names).
    threads = [t for t in threading.enumerate() if t.name.startswith(name)]
    deadline = time.monotonic() + timeout_s
    for thread in threads:
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)


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
        _submit(self._run)

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
