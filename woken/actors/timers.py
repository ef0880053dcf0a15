"""One thread that runs delayed callbacks, shared by every actor.

Actors poll job status and time out states; a `threading.Timer` per wait would
be a thread per wait. Callbacks must be quick (they only `tell` an actor).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


def _nothing() -> None:
    pass


@dataclass(eq=False)
class TimerHandle:
    """A callback waiting for its time; `cancel` keeps it from running."""

    due: float
    callback: Callable[[], None]
    cancelled: bool = False
    on_cancel: Callable[[], None] = _nothing

    def cancel(self) -> None:
        if self.cancelled:
            return
        self.cancelled = True
        # The callback holds its actor (and the actor its plan, rows included): let it go
        # now, not when the handle falls due (an experiment's timeout is a day away).
        self.callback = _nothing
        self.on_cancel()


# Cancelled handles are dropped from the queue once they are most of it (and this many):
# most timeouts are cancelled long before they fall due, and would pile up meanwhile.
COMPACT_AT = 256


class Timers:
    """The shared timer thread: runs each callback once its delay has passed."""

    def __init__(self) -> None:
        # (due, sequence, handle): the sequence keeps equal due times in call order.
        self._queue: list[tuple[float, int, TimerHandle]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self._cancelled = 0

    def __len__(self) -> int:
        with self._condition:
            return len(self._queue)

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> TimerHandle:
        handle = TimerHandle(time.monotonic() + max(delay_s, 0.0), callback,
                             on_cancel=self._count_cancelled)
        with self._condition:
            if self._cancelled >= COMPACT_AT and 2 * self._cancelled > len(self._queue):
                self._queue = [entry for entry in self._queue if not entry[2].cancelled]
                heapq.heapify(self._queue)
                self._cancelled = 0
            heapq.heappush(self._queue, (handle.due, next(self._sequence), handle))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="woken-timers", daemon=True)
                self._thread.start()
            if self._queue[0][2] is handle:
                # Due before everything else: the thread must wake earlier than it meant to.
                # Otherwise it wakes in time anyway, and is left alone (a job sets several
                # timers that are all later than the first one due).
                self._condition.notify()
        return handle

    def _count_cancelled(self) -> None:
        with self._condition:
            self._cancelled += 1

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._queue or self._queue[0][0] > time.monotonic():
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._condition.wait(timeout)
                handle = heapq.heappop(self._queue)[2]
                if handle.cancelled:
                    self._cancelled = max(self._cancelled - 1, 0)
                    continue
            try:
                handle.callback()
            except Exception:
                log.exception("timer callback failed")


# The process-wide instance.
timers = Timers()
