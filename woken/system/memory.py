"""Memory given back to the system once a burst of work is over.

After a thousand experiments, Woken's process kept about twice its idle RSS though
it held nothing of them any more: CPython returns freed objects to its own
allocator and glibc's, which keep the pages for reuse. Once no job and no
experiment is in progress (and a moment has passed, so that a steady stream of
requests does not pay for it), a full garbage collection and glibc's
``malloc_trim`` return the free pages.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
from collections.abc import Callable, Sequence

from woken.actors import runtime
from woken.actors.timers import TimerHandle, timers
from woken.system.admission import Admission

log = logging.getLogger(__name__)

# Seconds of idleness before the release: long enough that back-to-back requests
# never wait for a collection, short enough to be done before anyone looks.
IDLE_DELAY_S = 2.0
# How long the release waits for the idle actor threads to end (they have no work).
THREADS_END_TIMEOUT_S = 1.0


def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None where it has none (musl, macOS)."""
    try:
        # The symbols already loaded in this process, the C library's among them.
        function = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = [ctypes.c_size_t], ctypes.c_int
    return function


class MemoryRelease:
    """Calls :func:`release_free_memory` once every admission has been idle for a while."""

    def __init__(self, admissions: Sequence[Admission], delay_s: float = IDLE_DELAY_S) -> None:
        self._admissions = admissions
        self._delay_s = delay_s
        self._lock = threading.Lock()
        self._pending: TimerHandle | None = None
        self.releases = 0  # how many times memory was released (for tests and metrics)

    def work_ended(self) -> None:
        """Called when a job or an experiment gives its slot back."""
        if any(len(admission) for admission in self._admissions):
            return
        with self._lock:
            if self._pending is not None:
                self._pending.cancel()
            self._pending = timers.call_later(self._delay_s, self._release_if_idle)

    def _release_if_idle(self) -> None:
        with self._lock:
            self._pending = None
        if any(len(admission) for admission in self._admissions):
            return  # work came back: the next end schedules it again
        release_free_memory()
        self.releases += 1


_TRIM = _malloc_trim()


def freeze_startup_objects() -> None:
    """Keep what start-up made (modules, the catalogue, the engines) out of every collection.

    A result of megabytes decoded in a burst makes thousands of containers, and each
    collection it triggers walked every object of the process too: a decode of 10 ms
    became 70 ms. Frozen objects are never collected, so the garbage is collected first.
    """
    gc.collect()
    gc.freeze()


def release_free_memory() -> None:
    if not runtime.release_threads(THREADS_END_TIMEOUT_S):
        log.warning("idle: some actor threads had not ended after %.1f s", THREADS_END_TIMEOUT_S)
    collected = gc.collect()
    returned = _TRIM(0) if _TRIM is not None else 0
    log.debug("idle: %d objects collected, memory returned to the system: %s",
              collected, bool(returned))
